namespace NixDeploy.Processes;

/// <summary>
/// Where the core reports what it does. MSBuild tasks route it to the build log, the tool to the console.
/// </summary>
public interface ICommandLog
{
    /// <summary>An external command about to run, already rendered for display (arguments hold no secrets).</summary>
    void Command(string displayLine);

    void Info(string message);

    void Verbose(string message);

    void Warning(string code, string message);
}

/// <summary>A log that drops everything; for callers that report results themselves.</summary>
public sealed class NullCommandLog : ICommandLog
{
    public static readonly NullCommandLog Instance = new();

    public void Command(string displayLine) { }

    public void Info(string message) { }

    public void Verbose(string message) { }

    public void Warning(string code, string message) { }
}
