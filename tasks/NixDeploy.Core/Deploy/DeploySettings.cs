using NixDeploy.Diagnostics;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>How a deploy runs: connection options, parallelism, failure policy, dry run and time limits.</summary>
public sealed record DeploySettings(
    SshOptions Ssh,
    int Parallelism = DeploySettings.DefaultParallelism,
    FailurePolicy OnFailure = FailurePolicy.Continue,
    bool DryRun = false,
    int ConfirmTimeoutSeconds = DeploySettings.DefaultConfirmTimeoutSeconds,
    int ActivationTimeoutSeconds = DeploySettings.DefaultActivationTimeoutSeconds)
{
    public const int DefaultParallelism = 10;
    public const int DefaultConfirmTimeoutSeconds = 30;
    public const int DefaultActivationTimeoutSeconds = 240;

    /// <summary>Fails with ND5011/ND5012, naming the property and where it is set, when a setting is out of range.</summary>
    public DeploySettings Validate(SettingLayers layers)
    {
        Range(Parallelism, 1, 1000, "NixDeployParallelism", "machines deployed at once", layers);
        Range(ConfirmTimeoutSeconds, 1, 3600, "NixDeployConfirmTimeout", "seconds a host waits for the deployer's confirmation", layers);
        Range(ActivationTimeoutSeconds, 1, 86400, "NixDeployActivationTimeout", "seconds switch-to-configuration may run", layers);
        Ssh.Validate(layers);
        return this;
    }

    private static void Range(int value, int min, int max, string property, string what, SettingLayers layers)
    {
        if (value < min || value > max)
            throw layers.Refuse(ErrorCodes.InvalidDeploySetting, property,
                $"{property} is {value}: it must be a whole number from {min} to {max} ({what}).");
    }
}
