using NixDeploy.Host;
using NixDeploy.Processes;

namespace NixDeploy.Deploy.Remote;

/// <summary>
/// What one agent call did: its exit code, the <c>key=value</c> lines it printed, its stderr, and the deploy's log
/// when the call printed it after them (<see cref="HostProtocol.LogFollows"/>).
/// </summary>
internal sealed class AgentResult
{
    private static readonly string LogSeparator = HostProtocol.LogFollows + "\n";

    private readonly ProcessResult _process;
    private readonly Dictionary<string, string> _values;

    public AgentResult(ProcessResult process)
    {
        _process = process;
        var output = process.StandardOutput;
        var separator = output.StartsWith(LogSeparator, StringComparison.Ordinal) ? 0
            : output.IndexOf("\n" + LogSeparator, StringComparison.Ordinal) is var line and >= 0 ? line + 1
            : -1;
        if (separator >= 0)
        {
            Log = output[(separator + LogSeparator.Length)..];
            output = output[..separator];
        }
        _values = KeyValues.Parse(output);
    }

    public int ExitCode => _process.ExitCode;

    public string StandardError => _process.StandardError.Trim();

    /// <summary>The deploy's log as the call printed it after its result, which the host then forgot; null when it printed none.</summary>
    public string? Log { get; }

    /// <summary>A printed value; an empty value (no current system) is returned as null.</summary>
    public string? Value(string key) => _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    public bool Printed(string key) => _values.ContainsKey(key);
}
