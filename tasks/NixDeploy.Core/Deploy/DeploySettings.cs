using NixDeploy.Diagnostics;
using NixDeploy.Manifest;
using NixDeploy.Pipeline;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// How a deploy runs: connection options, parallelism, failure policy, dry run, time limits and mode; where the
/// closures were built (on the hosts themselves, there is nothing to copy) and whether hosts substitute before the copy;
/// the waves, each started only when the one before stayed within <see cref="MaxFailures"/>.
/// </summary>
public sealed record DeploySettings(
    SshOptions Ssh,
    int Parallelism = DeploySettings.DefaultParallelism,
    FailurePolicy OnFailure = FailurePolicy.Continue,
    bool DryRun = false,
    int ConfirmTimeoutSeconds = DeploySettings.DefaultConfirmTimeoutSeconds,
    int ActivationTimeoutSeconds = DeploySettings.DefaultActivationTimeoutSeconds,
    DeployMode Mode = DeploySettings.DefaultMode,
    BuildLocation BuildOn = BuildLocation.Local,
    bool SubstituteOnDestination = false)
{
    public const int DefaultParallelism = 10;
    public const int DefaultConfirmTimeoutSeconds = 30;
    public const int DefaultActivationTimeoutSeconds = 240;
    public const DeployMode DefaultMode = DeployMode.Switch;

    /// <summary>One wave of every machine: no wave waits for another.</summary>
    public static IReadOnlyList<WaveSpec> DefaultWaves { get; } = [WaveSpec.Rest];

    public static FailureBudget DefaultMaxFailures => FailureBudget.None;

    /// <summary>NixDeployWaves: the groups deployed one after the other.</summary>
    public IReadOnlyList<WaveSpec> Waves { get; init; } = DefaultWaves;

    /// <summary>NixDeployMaxFailures: the failures a wave may have and the next wave still start.</summary>
    public FailureBudget MaxFailures { get; init; } = DefaultMaxFailures;

    /// <summary>NixDeployRollbackWave: a wave over its budget rolls back its machines that were deployed (they wait, unconfirmed, for their wave).</summary>
    public bool RollbackWave { get; init; }

    /// <summary>A dry run, or mode dry-activate: no host changes, so the last deploy's report stays as it was.</summary>
    public bool ChangesNothing => DryRun || Mode == DeployMode.DryActivate;

    /// <summary>The part of the settings deployment.json records, so that a control plane deploys as this deploy would.</summary>
    public DeploymentPolicy Policy => new(Parallelism, OnFailure.Name(), ConfirmTimeoutSeconds, ActivationTimeoutSeconds,
        WavesPolicy(Waves), MaxFailuresPolicy(MaxFailures), RollbackWavePolicy(RollbackWave));

    /// <summary>The wave settings as deployment.json records them: null at their defaults, so a fleet without waves keeps its document.</summary>
    public static string? WavesPolicy(IReadOnlyList<WaveSpec> waves) => waves.SequenceEqual(DefaultWaves) ? null : WaveSpec.ListText(waves);

    public static string? MaxFailuresPolicy(FailureBudget budget) => budget == DefaultMaxFailures ? null : budget.Text;

    public static bool? RollbackWavePolicy(bool rollbackWave) => rollbackWave ? true : null;

    /// <summary>
    /// The settings of a deploy from deployment.json alone (a control plane, or any process with only the document and
    /// its own keys): the document's policy, as the fleet's project set it, with the deploying process's SSH options.
    /// A version 1 document has no policy: the defaults apply. A bad value fails with ND5011, blaming <paramref name="file"/>.
    /// </summary>
    public static DeploySettings FromPolicy(DeploymentPolicy? policy, SshOptions ssh, string? file) => FromPolicy(policy, ssh, SettingLayers.File(file));

    /// <summary>As <see cref="FromPolicy(DeploymentPolicy?, SshOptions, string?)"/>, a bad value's error naming where the project's layers set it.</summary>
    public static DeploySettings FromPolicy(DeploymentPolicy? policy, SshOptions ssh, SettingLayers layers) =>
        (policy is null
            ? new DeploySettings(ssh)
            : new DeploySettings(ssh, policy.Parallelism, FailurePolicies.Parse(policy.OnFailure, layers), false, policy.ConfirmTimeoutSeconds, policy.ActivationTimeoutSeconds)
            {
                Waves = WaveSpec.ParseList(policy.Waves, layers),
                MaxFailures = FailureBudget.Parse(policy.MaxFailures, layers),
                RollbackWave = policy.RollbackWave ?? false,
            })
        .Validate(layers);

    /// <summary>Fails with ND5011/ND5012, naming the property and where it is set, when a setting is out of range.</summary>
    public DeploySettings Validate(SettingLayers layers)
    {
        ValidatePolicy(Policy, layers);
        Ssh.Validate(layers);
        return this;
    }

    /// <summary>Fails with ND5011, naming the property and where it is set, when a policy value is out of range.</summary>
    public static DeploymentPolicy ValidatePolicy(DeploymentPolicy policy, SettingLayers layers)
    {
        Range(policy.Parallelism, 1, 1000, "NixDeployParallelism", "machines deployed at once", layers);
        FailurePolicies.Parse(policy.OnFailure, layers);
        Range(policy.ConfirmTimeoutSeconds, 1, 3600, "NixDeployConfirmTimeout", "seconds a host waits for the deployer's confirmation", layers);
        Range(policy.ActivationTimeoutSeconds, 1, 86400, "NixDeployActivationTimeout", "seconds switch-to-configuration may run", layers);
        WaveSpec.ParseList(policy.Waves, layers);
        FailureBudget.Parse(policy.MaxFailures, layers);
        return policy;
    }

    private static void Range(int value, int min, int max, string property, string what, SettingLayers layers)
    {
        if (value < min || value > max)
            throw layers.Refuse(ErrorCodes.InvalidDeploySetting, property,
                $"{property} is {value}: it must be a whole number from {min} to {max} ({what}).");
    }
}
