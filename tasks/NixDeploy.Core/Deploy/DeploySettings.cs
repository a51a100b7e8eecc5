using NixDeploy.Diagnostics;
using NixDeploy.Manifest;
using NixDeploy.Pipeline;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// How a deploy runs: connection options, parallelism, failure policy, dry run and time limits; where the closures
/// were built (on the hosts themselves, there is nothing to copy) and whether hosts substitute before the copy.
/// </summary>
public sealed record DeploySettings(
    SshOptions Ssh,
    int Parallelism = DeploySettings.DefaultParallelism,
    FailurePolicy OnFailure = FailurePolicy.Continue,
    bool DryRun = false,
    int ConfirmTimeoutSeconds = DeploySettings.DefaultConfirmTimeoutSeconds,
    int ActivationTimeoutSeconds = DeploySettings.DefaultActivationTimeoutSeconds,
    BuildLocation BuildOn = BuildLocation.Local,
    bool SubstituteOnDestination = false)
{
    public const int DefaultParallelism = 10;
    public const int DefaultConfirmTimeoutSeconds = 30;
    public const int DefaultActivationTimeoutSeconds = 240;

    /// <summary>The part of the settings deployment.json records, so that a control plane deploys as this deploy would.</summary>
    public DeploymentPolicy Policy => new(Parallelism, OnFailure.Name(), ConfirmTimeoutSeconds, ActivationTimeoutSeconds);

    /// <summary>
    /// The settings of a deploy from deployment.json alone (a control plane, or any process with only the document and
    /// its own keys): the document's policy, as the fleet's project set it, with the deploying process's SSH options.
    /// A version 1 document has no policy: the defaults apply. A bad value fails with ND5011, blaming <paramref name="file"/>.
    /// </summary>
    public static DeploySettings FromPolicy(DeploymentPolicy? policy, SshOptions ssh, string? file) =>
        (policy is null
            ? new DeploySettings(ssh)
            : new DeploySettings(ssh, policy.Parallelism, FailurePolicies.Parse(policy.OnFailure, file), false, policy.ConfirmTimeoutSeconds, policy.ActivationTimeoutSeconds))
        .Validate(file);

    /// <summary>Fails with ND5011/ND5012, naming the property, when a setting is out of range; <paramref name="file"/> is blamed.</summary>
    public DeploySettings Validate(string? file)
    {
        ValidatePolicy(Policy, file);
        Ssh.Validate(file);
        return this;
    }

    /// <summary>Fails with ND5011, naming the property, when a policy value is out of range; <paramref name="file"/> is blamed.</summary>
    public static DeploymentPolicy ValidatePolicy(DeploymentPolicy policy, string? file)
    {
        Range(policy.Parallelism, 1, 1000, "NixDeployParallelism", "machines deployed at once", file);
        FailurePolicies.Parse(policy.OnFailure, file);
        Range(policy.ConfirmTimeoutSeconds, 1, 3600, "NixDeployConfirmTimeout", "seconds a host waits for the deployer's confirmation", file);
        Range(policy.ActivationTimeoutSeconds, 1, 86400, "NixDeployActivationTimeout", "seconds switch-to-configuration may run", file);
        return policy;
    }

    private static void Range(int value, int min, int max, string property, string what, string? file)
    {
        if (value < min || value > max)
            throw new NixDeployException(ErrorCodes.InvalidDeploySetting,
                $"{property} is {value}: it must be a whole number from {min} to {max} ({what}).", file);
    }
}
