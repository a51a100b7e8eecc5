namespace NixDeploy.Deploy.Remote;

/// <summary>The exit codes of <see cref="AgentScript"/>: its protocol with the deployer.</summary>
internal static class RemoteExitCodes
{
    public const int Ok = 0;
    public const int HostFailure = 70;
    public const int Locked = 75;
    public const int WatchdogPending = 76;
    public const int ProfileNotSet = 80;
    public const int ActivationFailed = 81;
    public const int ActivationTimedOut = 82;
    public const int BootEntryFailed = 83;
    public const int ConfirmationTooLate = 84;
    public const int RollbackUnfinished = 85;
}
