using NixDeploy.Deploy;
using NixDeploy.Diagnostics;

namespace NixDeploy.ControlPlane;

/// <summary>
/// How a build reaches its control plane (NixDeployControlPlane and its token settings) and how Deploy waits for a
/// rollout there (NixDeployWait, NixDeployControlPlaneTimeout), parsed from the properties' text once for the tasks
/// and the tool. Empty means the default.
/// </summary>
public sealed record ControlPlaneSettings(Uri Server, ControlPlaneToken Token, bool Wait, int TimeoutSeconds)
{
    /// <summary>A rollout of a large fleet takes a while; past this the build stops waiting (the rollout goes on).</summary>
    public const int DefaultTimeoutSeconds = 3600;

    public static ControlPlaneSettings Parse(string? url, string? tokenFile, string? tokenVariable, string? wait, string? timeout, string? projectFile)
    {
        var seconds = SettingValues.Integer(timeout, DefaultTimeoutSeconds, "NixDeployControlPlaneTimeout", projectFile, ErrorCodes.InvalidControlPlaneSetting);
        if (seconds < 1)
            throw new NixDeployException(ErrorCodes.InvalidControlPlaneSetting, $"NixDeployControlPlaneTimeout '{timeout}' must be at least 1 (seconds).", projectFile);
        return new ControlPlaneSettings(ControlPlaneClient.ParseUrl(url, projectFile), new ControlPlaneToken(tokenFile, tokenVariable),
            SettingValues.Boolean(wait, true, "NixDeployWait", projectFile, ErrorCodes.InvalidControlPlaneSetting), seconds);
    }

    /// <summary>A client with the token read now; <paramref name="projectFile"/> is blamed for a bad URL or token setting.</summary>
    public ControlPlaneClient Connect(string? projectFile) => ControlPlaneClient.Create(Server, Token.Read(projectFile), projectFile);
}
