using NixDeploy.Ssh;

namespace NixDeploy.Host;

/// <summary>
/// A host-side program: Host/NAME.sh with Host/lib.sh in front, both embedded in this assembly and composed once per
/// process. It is sent whole with every call, <c>sh -c TEXT NAME ARGS...</c>, so hosts need nothing installed; without
/// its comment and blank lines, which are for the reader of the files, so that every call sends and parses less.
/// </summary>
internal sealed class HostProgram
{
    /// <summary>The deploy steps (status, lock, activate, finish, rollback, keep-files); see agent.sh.</summary>
    public static HostProgram Agent { get; } = new("agent", "nixdeploy-agent");

    /// <summary>The rollback watchdog; the agent starts it detached, with its text as an argument of <c>activate</c>.</summary>
    public static HostProgram Watchdog { get; } = new("watchdog", "nixdeploy-watchdog");

    /// <summary>The live state and the rollback outside a deploy (status, plan, rollback).</summary>
    public static HostProgram Live { get; } = new("live", "nixdeploy-live");

    /// <summary>Places a machine's artifact files before activation.</summary>
    public static HostProgram Placement { get; } = new("placement", "nixdeploy-artifacts");

    /// <summary>Checks that the SSH user may escalate, then runs the escalated program; see <see cref="FirstCommand"/>.</summary>
    public static HostProgram Escalate { get; } = new("escalate", "nixdeploy-escalate");
    /// <summary>Replaces, checks and rolls back a machine's workloads (applications beside the system).</summary>
    public static HostProgram Workload { get; } = new("workload", "nixdeploy-workload");
    /// <summary>
    /// The pull agent: a machine's own loop that fetches its desired state from the control plane and runs
    /// <see cref="Agent"/>'s steps (with <see cref="Watchdog"/>) itself; installed on the machine rather than sent.
    /// </summary>
    public static HostProgram PullAgent { get; } = new("pull-agent", "nixdeploy-pull-agent");

    private HostProgram(string file, string name)
    {
        Text = WithoutComments(Resource("lib") + Resource(file));
        Name = name;
    }

    /// <summary>The program as sent: lib.sh, then the program's own file, without comment and blank lines.</summary>
    public string Text { get; }

    /// <summary>Its <c>$0</c> on the host, which its messages and a process list show.</summary>
    public string Name { get; }

    /// <summary>
    /// The argument list that runs the program as root on <paramref name="target"/> with <paramref name="arguments"/>
    /// (each quoted by the SSH client), through the target's privilege escalation (<see cref="HostEscalation"/>).
    /// </summary>
    public string[] Command(SshTarget target, IEnumerable<string> arguments) => HostEscalation.AsRoot(target, ["sh", "-c", Text, Name, .. arguments]);

    /// <summary>
    /// As <see cref="Command"/>, for the call that opens a deploy, a status or a rollback: with an escalation, the host
    /// first checks in the same call that the user may escalate (Host/escalate.sh), and exits
    /// <see cref="HostProtocol.Exit.EscalationRefused"/> before the program runs when not.
    /// </summary>
    public string[] FirstCommand(SshTarget target, IEnumerable<string> arguments) =>
        HostEscalation.Tool(target) is { } tool ? ["sh", "-c", Escalate.Text, Escalate.Name, tool, .. Command(target, arguments)] : Command(target, arguments);

    /// <summary>
    /// <paramref name="text"/> without its comment and blank lines. The programs hold no here-document, and their
    /// multi-line strings (the pull agent's Nix expressions) no such line, which would be data there.
    /// </summary>
    public static string WithoutComments(string text) =>
        string.Concat(text.Split('\n').Where(line => line.TrimStart() is { Length: > 0 } code && code[0] != '#').Select(line => line + "\n"));

    private static string Resource(string file)
    {
        using var stream = typeof(HostProgram).Assembly.GetManifestResourceStream($"NixDeploy.Host.{file}.sh")
            ?? throw new InvalidOperationException($"Host/{file}.sh is not embedded in {typeof(HostProgram).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
