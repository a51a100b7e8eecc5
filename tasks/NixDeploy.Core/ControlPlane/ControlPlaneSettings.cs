using NixDeploy.Deploy;
using NixDeploy.Diagnostics;

namespace NixDeploy.ControlPlane;

/// <summary>
/// How a build reaches its control plane (NixDeployControlPlane and its token settings) and how Deploy waits for a
/// rollout there (NixDeployWait, NixDeployControlPlaneTimeout; for pull machines NixDeployPullTimeout and
/// NixDeployRequireAll), parsed from the properties' text once for the tasks and the tool. Empty means the default.
/// </summary>
public sealed record ControlPlaneSettings(Uri Server, ControlPlaneToken Token, bool Wait, int TimeoutSeconds, int PullTimeoutSeconds = ControlPlaneSettings.DefaultPullTimeoutSeconds, bool RequireAll = false)
{
    /// <summary>A rollout of a large fleet takes a while; past this the build stops waiting (the rollout goes on).</summary>
    public const int DefaultTimeoutSeconds = 3600;

    /// <summary>How long Deploy waits for pull machines' agents (laptops asleep, behind NAT) before it reports them pending.</summary>
    public const int DefaultPullTimeoutSeconds = 600;

    public static ControlPlaneSettings Parse(string? url, string? tokenFile, string? tokenVariable, string? wait, string? timeout, string? projectFile,
        string? pullTimeout = null, string? requireAll = null)
    {
        var layers = SettingLayers.File(projectFile);
        var seconds = AtLeastOne(SettingValues.Integer(timeout, DefaultTimeoutSeconds, "NixDeployControlPlaneTimeout", layers, ErrorCodes.InvalidControlPlaneSetting),
            "NixDeployControlPlaneTimeout", timeout, projectFile);
        var pullSeconds = AtLeastOne(SettingValues.Integer(pullTimeout, DefaultPullTimeoutSeconds, "NixDeployPullTimeout", layers, ErrorCodes.InvalidControlPlaneSetting),
            "NixDeployPullTimeout", pullTimeout, projectFile);
        return new ControlPlaneSettings(ControlPlaneClient.ParseUrl(url, projectFile), new ControlPlaneToken(tokenFile, tokenVariable),
            SettingValues.Boolean(wait, true, "NixDeployWait", layers, ErrorCodes.InvalidControlPlaneSetting), seconds, pullSeconds,
            SettingValues.Boolean(requireAll, false, "NixDeployRequireAll", layers, ErrorCodes.InvalidControlPlaneSetting));
    }

    /// <summary>A client with the token read now; <paramref name="projectFile"/> is blamed for a bad URL or token setting.</summary>
    public ControlPlaneClient Connect(string? projectFile) => ControlPlaneClient.Create(Server, Token.Read(projectFile), projectFile);

    private static int AtLeastOne(int seconds, string property, string? text, string? projectFile) => seconds >= 1
        ? seconds
        : throw new NixDeployException(ErrorCodes.InvalidControlPlaneSetting, $"{property} '{text}' must be at least 1 (seconds).", projectFile);
}
