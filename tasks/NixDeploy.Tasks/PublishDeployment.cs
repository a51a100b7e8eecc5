using Microsoft.Build.Framework;
using NixDeploy.ControlPlane;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tasks;

/// <summary>
/// Posts deployment.json to the control plane (CI that does not wait for the rollout), when it changed since the
/// previous manifest or when forced; otherwise says why it posted nothing.
/// </summary>
public sealed class PublishDeployment : NixDeployTask
{
    [Required] public string ManifestFile { get; set; } = "";

    /// <summary>$(NixDeployControlPlane): the server's URL.</summary>
    public string? ControlPlane { get; set; }

    /// <summary>A file holding the token, or the NAME of the environment variable that does; never the token.</summary>
    public string? TokenFile { get; set; }

    public string? TokenVariable { get; set; }

    /// <summary>$(NixDeployChanged): whether deployment.json differs from the previous manifest.</summary>
    public string? Changed { get; set; }

    /// <summary>$(NixDeployPublishAlways): post also when nothing changed.</summary>
    public string? Always { get; set; }

    /// <summary>The id the server gave the deployment; empty when nothing was posted.</summary>
    [Output] public string DeploymentId { get; private set; } = "";

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var settings = ControlPlaneSettings.Parse(ControlPlane, TokenFile, TokenVariable, wait: null, timeout: null, ProjectFile);
        var always = SettingValues.Boolean(Always, false, "NixDeployPublishAlways", ProjectFile, ErrorCodes.InvalidControlPlaneSetting);
        if (!always && !string.Equals(Changed, "true", StringComparison.OrdinalIgnoreCase))
        {
            Log.LogMessage(MessageImportance.High,
                "NixDeploy: {0} has not changed since the previous deployment (NixDeployChanged is not true): not posted to {1} (NixDeployPublishAlways=true posts it anyway)",
                ManifestFile, settings.Server);
            return;
        }
        using var client = settings.Connect(ProjectFile);
        DeploymentId = (await new ControlPlaneRollout(client, new TaskCommandLog(Log)).PublishAsync(ManifestFile, cancellationToken)).Id;
    }
}
