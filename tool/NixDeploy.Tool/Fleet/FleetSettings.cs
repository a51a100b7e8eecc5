using NixDeploy.Deploy;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tool.Fleet;

/// <summary>
/// The project's settings the tool itself needs, as MSBuild evaluates them (the SDK's defaults, every configuration
/// layer), validated by the same code as the Deploy task's, so a bad value is the same coded error from both.
/// </summary>
public sealed record FleetSettings(string ManifestFile, string ReportFile, string DryRunReportFile, string PushReportFile, DeploySettings Deploy)
{
    /// <summary>The SDK's list of the files that can set a setting (as the Deploy task gets it), for a bad value's error.</summary>
    private const string LayerItem = "_NixDeploySettingLayer";

    private static readonly string[] Files = ["NixDeployManifestFile", "NixDeployReportFile", "NixDeployDryRunReportFile", "NixDeployPushReportFile"];

    public static async Task<FleetSettings> ReadAsync(FleetProject project, CancellationToken cancellationToken)
    {
        var properties = await ProjectProperties.ReadAsync(project, [.. Files, .. DeploySettingsText.PropertyNames], cancellationToken, [LayerItem]);
        return new FleetSettings(
            properties.RequiredPath("NixDeployManifestFile"),
            properties.RequiredPath("NixDeployReportFile"),
            properties.RequiredPath("NixDeployDryRunReportFile"),
            properties.RequiredPath("NixDeployPushReportFile"),
            DeploySettingsText.FromProperties(properties.Values).Parse(project.Path, SettingLayers.Of(project.Path,
                properties.Items(LayerItem).Select(layer => new SettingLayer(layer["Identity"], layer["Before"], layer["After"])).ToList())));
    }
}
