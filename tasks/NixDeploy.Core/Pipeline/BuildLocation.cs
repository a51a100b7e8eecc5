using NixDeploy.Diagnostics;

namespace NixDeploy.Pipeline;

/// <summary>Where the closures are built (NixDeployBuildOn).</summary>
public enum BuildLocation
{
    /// <summary>On the deployer's machine: the default.</summary>
    Local,

    /// <summary>Each machine builds its own closure on its host; nothing is copied back.</summary>
    Target,

    /// <summary>On Nix's remote builders (NixDeployBuilders); the deployer's machine builds nothing itself.</summary>
    Builders,
}

public static class BuildLocations
{
    /// <summary>Parses NixDeployBuildOn; empty is <see cref="BuildLocation.Local"/>, anything unknown is ND1210 naming where it is set.</summary>
    public static BuildLocation Parse(string? value, SettingLayers layers) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "local" => BuildLocation.Local,
        "target" => BuildLocation.Target,
        "builders" => BuildLocation.Builders,
        _ => throw layers.Refuse(ErrorCodes.InvalidBuildOn, "NixDeployBuildOn",
            $"NixDeployBuildOn '{value}' is not a place to build: use local (the default), target (each machine builds its own closure) or builders (Nix's remote builders from NixDeployBuilders)."),
    };
}
