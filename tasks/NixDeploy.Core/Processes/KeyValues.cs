namespace NixDeploy.Processes;

/// <summary>Parses the <c>key=value</c> lines a host script prints; the last value of a key wins.</summary>
internal static class KeyValues
{
    public static Dictionary<string, string> Parse(string output)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = line.IndexOf('=');
            if (separator > 0)
                values[line[..separator]] = line[(separator + 1)..].TrimEnd('\r');
        }
        return values;
    }
}
