using NixDeploy.Diagnostics;
using NixDeploy.Manifest;
using NixDeploy.Pipeline;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// The deploy settings as a project states them (its MSBuild properties, as text). The Deploy task and the tool both
/// turn them into <see cref="DeploySettings"/> here, so a value is accepted or refused by both alike, with one code.
/// Empty means the default.
/// </summary>
public sealed record DeploySettingsText(
    string? SshIdentityFile,
    string? SshKnownHostsFile,
    string? StrictHostKeyChecking,
    string? SshControlPersist,
    string? Parallelism,
    string? OnFailure,
    string? DryRun,
    string? ConfirmTimeout,
    string? ActivationTimeout,
    string? DeployMode = null,
    string? BuildOn = null,
    string? SubstituteOnDestination = null,
    string? Waves = null,
    string? MaxFailures = null,
    string? RollbackWave = null)
{
    /// <summary>The properties the settings come from, for a reader that evaluates the project (the tool).</summary>
    public static IReadOnlyList<string> PropertyNames { get; } =
    [
        "NixDeploySshIdentityFile", "NixDeploySshKnownHostsFile", "NixDeployStrictHostKeyChecking", "NixDeploySshControlPersist",
        "NixDeployParallelism", "NixDeployOnFailure", "NixDeployDryRun", "NixDeployConfirmTimeout", "NixDeployActivationTimeout",
        "NixDeployDeployMode", "NixDeployBuildOn", "NixDeploySubstituteOnDestination",
        "NixDeployWaves", "NixDeployMaxFailures", "NixDeployRollbackWave",
    ];

    public static DeploySettingsText FromProperties(IReadOnlyDictionary<string, string> properties)
    {
        string? Value(int index) => properties.GetValueOrDefault(PropertyNames[index]);
        return new DeploySettingsText(Value(0), Value(1), Value(2), Value(3), Value(4), Value(5), Value(6), Value(7), Value(8), Value(9), Value(10), Value(11),
            Value(12), Value(13), Value(14));
    }

    /// <summary>
    /// The validated settings; a bad value's error names the files of <paramref name="layers"/>, and relative key files
    /// are relative to <paramref name="projectFile"/>'s folder.
    /// </summary>
    public DeploySettings Parse(string projectFile, SettingLayers layers) => DeploySettings.FromPolicy(ParsePolicy(layers),
            new SshOptions(ProjectPath(SshIdentityFile, projectFile), ProjectPath(SshKnownHostsFile, projectFile),
                SettingValues.Boolean(StrictHostKeyChecking, true, "NixDeployStrictHostKeyChecking", layers),
                ControlPersistSeconds: SettingValues.Integer(SshControlPersist, SshOptions.DefaultControlPersistSeconds, "NixDeploySshControlPersist", layers, ErrorCodes.InvalidSshOption)),
            layers)
        with
        {
            DryRun = SettingValues.Boolean(DryRun, false, "NixDeployDryRun", layers),
            // How this deploy activates, not the fleet's policy: deployment.json does not record it.
            Mode = string.IsNullOrWhiteSpace(DeployMode) ? DeploySettings.DefaultMode : DeployModes.Parse(DeployMode, layers),
            BuildOn = BuildLocations.Parse(BuildOn, layers),
            SubstituteOnDestination = SettingValues.Boolean(SubstituteOnDestination, false, "NixDeploySubstituteOnDestination", layers),
        };

    /// <summary>The validated policy alone (what deployment.json records), without the SSH settings the build does not need.</summary>
    public DeploymentPolicy ParsePolicy(SettingLayers layers) => DeploySettings.ValidatePolicy(new DeploymentPolicy(
        SettingValues.Integer(Parallelism, DeploySettings.DefaultParallelism, "NixDeployParallelism", layers),
        (string.IsNullOrWhiteSpace(OnFailure) ? FailurePolicy.Continue : FailurePolicies.Parse(OnFailure, layers)).Name(),
        SettingValues.Integer(ConfirmTimeout, DeploySettings.DefaultConfirmTimeoutSeconds, "NixDeployConfirmTimeout", layers),
        SettingValues.Integer(ActivationTimeout, DeploySettings.DefaultActivationTimeoutSeconds, "NixDeployActivationTimeout", layers),
        DeploySettings.WavesPolicy(WaveSpec.ParseList(Waves, layers)),
        DeploySettings.MaxFailuresPolicy(FailureBudget.Parse(MaxFailures, layers)),
        DeploySettings.RollbackWavePolicy(SettingValues.Boolean(RollbackWave, false, "NixDeployRollbackWave", layers))), layers);

    private static string? ProjectPath(string? path, string projectFile) =>
        string.IsNullOrWhiteSpace(path) ? null
        : Path.GetDirectoryName(projectFile) is { Length: > 0 } folder ? Path.GetFullPath(path, folder)
        : path;
}
