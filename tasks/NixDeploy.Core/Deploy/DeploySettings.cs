using NixDeploy.Diagnostics;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>How a deploy runs: connection options, parallelism, failure policy, dry run, time limits and mode.</summary>
public sealed record DeploySettings(
    SshOptions Ssh,
    int Parallelism = DeploySettings.DefaultParallelism,
    FailurePolicy OnFailure = FailurePolicy.Continue,
    bool DryRun = false,
    int ConfirmTimeoutSeconds = DeploySettings.DefaultConfirmTimeoutSeconds,
    int ActivationTimeoutSeconds = DeploySettings.DefaultActivationTimeoutSeconds,
    DeployMode Mode = DeploySettings.DefaultMode)
{
    public const int DefaultParallelism = 10;
    public const int DefaultConfirmTimeoutSeconds = 30;
    public const int DefaultActivationTimeoutSeconds = 240;
    public const DeployMode DefaultMode = DeployMode.Switch;

    /// <summary>A dry run, or mode dry-activate: no host changes, so the last deploy's report stays as it was.</summary>
    public bool ChangesNothing => DryRun || Mode == DeployMode.DryActivate;

    /// <summary>Fails with ND5011/ND5012, naming the property, when a setting is out of range; <paramref name="file"/> is blamed.</summary>
    public DeploySettings Validate(string? file)
    {
        Range(Parallelism, 1, 1000, "NixDeployParallelism", "machines deployed at once", file);
        Range(ConfirmTimeoutSeconds, 1, 3600, "NixDeployConfirmTimeout", "seconds a host waits for the deployer's confirmation", file);
        Range(ActivationTimeoutSeconds, 1, 86400, "NixDeployActivationTimeout", "seconds switch-to-configuration may run", file);
        Ssh.Validate(file);
        return this;
    }

    private static void Range(int value, int min, int max, string property, string what, string? file)
    {
        if (value < min || value > max)
            throw new NixDeployException(ErrorCodes.InvalidDeploySetting,
                $"{property} is {value}: it must be a whole number from {min} to {max} ({what}).", file);
    }
}
