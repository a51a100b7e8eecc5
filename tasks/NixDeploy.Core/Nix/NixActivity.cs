namespace NixDeploy.Nix;

/// <summary>Where a running Nix command is: builds done of expected and one derivation building now; store paths and bytes copied.</summary>
public sealed record NixActivity(int BuildsDone, int BuildsExpected, string? Building, int PathsDone, int PathsExpected, long BytesCopied)
{
    public static readonly NixActivity None = new(0, 0, null, 0, 0, 0);

    /// <summary>
    /// For the live view: "2/5 built, building foo-1.0" or "3/7 paths, 1.2 MiB". Bytes only when Nix reported some: Nix
    /// 2.8's <c>nix copy</c> reports none, and "0 B" beside copied paths would be wrong.
    /// </summary>
    public string Describe() => string.Join(", ", new[]
    {
        BuildsExpected > 0 ? $"{BuildsDone}/{BuildsExpected} built" : null,
        Building is null ? null : $"building {Building}",
        PathsExpected > 0 ? $"{PathsDone}/{PathsExpected} paths" : null,
        BytesCopied > 0 ? ByteCount.Text(BytesCopied) : null,
    }.OfType<string>());
}
