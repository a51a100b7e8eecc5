using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// Work a deploy does on a host under its deploy lock, before the live system is compared or changed, e.g. placing
/// artifact files. A failure stops that machine's deploy before anything is activated.
/// </summary>
public interface IPreActivationStep
{
    /// <summary>The step's name in the deploy report's timings.</summary>
    string Name { get; }

    Task RunAsync(MachinePlan plan, SshClient ssh, CancellationToken cancellationToken);

    /// <summary>After a verified rollback: puts back what <see cref="RunAsync"/> replaced, for the previous system.</summary>
    Task UndoAsync(MachinePlan plan, SshClient ssh, CancellationToken cancellationToken);
}
