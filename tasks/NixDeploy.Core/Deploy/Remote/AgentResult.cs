using NixDeploy.Processes;

namespace NixDeploy.Deploy.Remote;

/// <summary>What one agent call did: its exit code, the <c>key=value</c> lines it printed, and its stderr.</summary>
internal sealed class AgentResult(ProcessResult process)
{
    private readonly Dictionary<string, string> _values = KeyValues.Parse(process.StandardOutput);

    public int ExitCode => process.ExitCode;

    public string StandardError => process.StandardError.Trim();

    /// <summary>A printed value; an empty value (no current system) is returned as null.</summary>
    public string? Value(string key) => _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    public bool Printed(string key) => _values.ContainsKey(key);
}
