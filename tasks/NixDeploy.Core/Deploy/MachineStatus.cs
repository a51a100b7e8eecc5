using System.Text.Json.Serialization;

namespace NixDeploy.Deploy;

/// <summary>Where a machine ended up after a deploy.</summary>
public enum MachineStatus
{
    /// <summary>The live system already was the desired closure: nothing ran.</summary>
    [JsonStringEnumMemberName("unchanged")] Unchanged,

    /// <summary>Activated, healthy, boot entry set and confirmed.</summary>
    [JsonStringEnumMemberName("deployed")] Deployed,

    /// <summary>Mode boot: the system profile and the boot entry are the desired closure, which runs after the next reboot.</summary>
    [JsonStringEnumMemberName("pending-reboot")] PendingReboot,

    /// <summary>Dry run or dry-activate: the live system differs from the desired closure.</summary>
    [JsonStringEnumMemberName("would-change")] WouldChange,

    /// <summary>A step after activation failed; the previous system is live again (verified).</summary>
    [JsonStringEnumMemberName("rolled-back")] RolledBack,

    [JsonStringEnumMemberName("failed")] Failed,

    [JsonStringEnumMemberName("unreachable")] Unreachable,

    /// <summary>Not started: an earlier machine failed and the failure policy is halt.</summary>
    [JsonStringEnumMemberName("skipped")] Skipped,

    /// <summary>A pull machine whose agent had not applied the deployment when the deploy stopped waiting (NixDeployPullTimeout).</summary>
    [JsonStringEnumMemberName("pending")] Pending,
}

public static class MachineStatusExtensions
{
    /// <summary>Whether the machine is where the deploy (or dry run) wanted it.</summary>
    public static bool ReachedDesiredState(this MachineStatus status) =>
        status is MachineStatus.Unchanged or MachineStatus.Deployed or MachineStatus.PendingReboot or MachineStatus.WouldChange;

    public static string ToReportName(this MachineStatus status) => status switch
    {
        MachineStatus.WouldChange => "would-change",
        MachineStatus.RolledBack => "rolled-back",
        MachineStatus.PendingReboot => "pending-reboot",
        _ => status.ToString().ToLowerInvariant(),
    };
}
