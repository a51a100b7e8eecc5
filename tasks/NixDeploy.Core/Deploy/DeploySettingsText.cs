using NixDeploy.Diagnostics;
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
    string? ActivationTimeout)
{
    /// <summary>The properties the settings come from, for a reader that evaluates the project (the tool).</summary>
    public static IReadOnlyList<string> PropertyNames { get; } =
    [
        "NixDeploySshIdentityFile", "NixDeploySshKnownHostsFile", "NixDeployStrictHostKeyChecking", "NixDeploySshControlPersist",
        "NixDeployParallelism", "NixDeployOnFailure", "NixDeployDryRun", "NixDeployConfirmTimeout", "NixDeployActivationTimeout",
    ];

    public static DeploySettingsText FromProperties(IReadOnlyDictionary<string, string> properties)
    {
        string? Value(int index) => properties.GetValueOrDefault(PropertyNames[index]);
        return new DeploySettingsText(Value(0), Value(1), Value(2), Value(3), Value(4), Value(5), Value(6), Value(7), Value(8));
    }

    /// <summary>
    /// The validated settings; a bad value's error names the files of <paramref name="layers"/>, and relative key files
    /// are relative to <paramref name="projectFile"/>'s folder.
    /// </summary>
    public DeploySettings Parse(string projectFile, SettingLayers layers) => new DeploySettings(
        new SshOptions(ProjectPath(SshIdentityFile, projectFile), ProjectPath(SshKnownHostsFile, projectFile),
            SettingValues.Boolean(StrictHostKeyChecking, true, "NixDeployStrictHostKeyChecking", layers),
            ControlPersistSeconds: SettingValues.Integer(SshControlPersist, SshOptions.DefaultControlPersistSeconds, "NixDeploySshControlPersist", layers, ErrorCodes.InvalidSshOption)),
        SettingValues.Integer(Parallelism, DeploySettings.DefaultParallelism, "NixDeployParallelism", layers),
        string.IsNullOrWhiteSpace(OnFailure) ? FailurePolicy.Continue : FailurePolicies.Parse(OnFailure, layers),
        SettingValues.Boolean(DryRun, false, "NixDeployDryRun", layers),
        SettingValues.Integer(ConfirmTimeout, DeploySettings.DefaultConfirmTimeoutSeconds, "NixDeployConfirmTimeout", layers),
        SettingValues.Integer(ActivationTimeout, DeploySettings.DefaultActivationTimeoutSeconds, "NixDeployActivationTimeout", layers)).Validate(layers);

    private static string? ProjectPath(string? path, string projectFile) =>
        string.IsNullOrWhiteSpace(path) ? null
        : Path.GetDirectoryName(projectFile) is { Length: > 0 } folder ? Path.GetFullPath(path, folder)
        : path;
}
