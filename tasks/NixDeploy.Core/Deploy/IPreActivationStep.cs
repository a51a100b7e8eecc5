using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// Work a deploy does on a host under its deploy lock, before the live system is compared or changed, e.g. placing
/// artifact files. A failure stops that machine's deploy before anything is activated. What a step replaces it keeps
/// with Host/lib.sh's <c>keep_file</c>, so that the host's rollback puts it back and a confirmation (or an
/// unchanged system) keeps the new files.
/// </summary>
public interface IPreActivationStep
{
    /// <summary>The step's name in the deploy report's timings.</summary>
    string Name { get; }

    /// <summary>Runs the step; true when it replaced files on the host (which an unchanged system then keeps).</summary>
    Task<bool> RunAsync(MachinePlan plan, SshClient ssh, CancellationToken cancellationToken);
}
