using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Ssh;

namespace NixDeploy.Tool.Fleet;

/// <summary>The project's settings the tool itself needs, after all configuration layers were applied by MSBuild.</summary>
public sealed record FleetSettings(string ManifestFile, string ReportFile, string DryRunReportFile, SshOptions Ssh, int ActivationTimeoutSeconds, int Parallelism)
{
    private static readonly string[] Names =
    [
        "NixDeployManifestFile", "NixDeployReportFile", "NixDeployDryRunReportFile", "NixDeploySshIdentityFile", "NixDeploySshKnownHostsFile",
        "NixDeployStrictHostKeyChecking", "NixDeploySshControlPersist", "NixDeployActivationTimeout", "NixDeployParallelism",
    ];

    public static async Task<FleetSettings> ReadAsync(FleetProject project, CancellationToken cancellationToken)
    {
        var values = await ProjectProperties.ReadAsync(project, Names, cancellationToken);
        string Value(string name) => values.GetValueOrDefault(name) ?? "";
        return new FleetSettings(
            project.Resolve(Value("NixDeployManifestFile")) ?? Path.Combine(project.Directory, "bin/nixdeploy/deployment.json"),
            project.Resolve(Value("NixDeployReportFile")) ?? Path.Combine(project.Directory, "bin/nixdeploy/deploy-report.json"),
            project.Resolve(Value("NixDeployDryRunReportFile")) ?? Path.Combine(project.Directory, "bin/nixdeploy/deploy-dry-run.json"),
            new SshOptions(
                project.Resolve(Value("NixDeploySshIdentityFile")),
                project.Resolve(Value("NixDeploySshKnownHostsFile")),
                !string.Equals(Value("NixDeployStrictHostKeyChecking"), "false", StringComparison.OrdinalIgnoreCase),
                ControlPersistSeconds: SettingValues.Integer(Value("NixDeploySshControlPersist"), SshOptions.DefaultControlPersistSeconds,
                    "NixDeploySshControlPersist", project.Path, ErrorCodes.InvalidSshOption)).Validate(project.Path),
            int.TryParse(Value("NixDeployActivationTimeout"), out var seconds) && seconds > 0 ? seconds : 240,
            ParallelismSetting(Value("NixDeployParallelism"), project.Path));
    }

    private static int ParallelismSetting(string value, string project) =>
        SettingValues.Integer(value, DeploySettings.DefaultParallelism, "NixDeployParallelism", project) is var parallelism and >= 1
            ? parallelism
            : throw new NixDeployException(ErrorCodes.InvalidDeploySetting, $"NixDeployParallelism '{value}' must be at least 1.", project);
}
