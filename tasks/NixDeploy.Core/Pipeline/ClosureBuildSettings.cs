using NixDeploy.Diagnostics;

namespace NixDeploy.Pipeline;

/// <summary>Where BuildClosures builds (NixDeployBuildOn) and, for <see cref="BuildLocation.Builders"/>, on which machines.</summary>
public sealed record ClosureBuildSettings(BuildLocation BuildOn = BuildLocation.Local, string? Builders = null)
{
    /// <summary>
    /// The validated settings from the project's properties; <paramref name="file"/> is blamed. NixDeployBuilders is
    /// Nix's own <c>builders</c> value, passed through as it is, and belongs to NixDeployBuildOn=builders alone (ND1211).
    /// </summary>
    public static ClosureBuildSettings Parse(string? buildOn, string? builders, string? file)
    {
        var location = BuildLocations.Parse(buildOn, SettingLayers.File(file));
        var hasBuilders = !string.IsNullOrWhiteSpace(builders);
        if (location == BuildLocation.Builders && !hasBuilders)
            throw new NixDeployException(ErrorCodes.InvalidBuilders,
                "NixDeployBuildOn is 'builders' but NixDeployBuilders is empty: set it to Nix's builders syntax, e.g. 'ssh://root@build-1 x86_64-linux /root/.ssh/id_ed25519 4'.", file);
        if (location != BuildLocation.Builders && hasBuilders)
            throw new NixDeployException(ErrorCodes.InvalidBuilders,
                $"NixDeployBuilders is set but NixDeployBuildOn is '{location.ToString().ToLowerInvariant()}': set NixDeployBuildOn=builders to build on them, or remove NixDeployBuilders.", file);
        return new ClosureBuildSettings(location, hasBuilders ? builders!.Trim() : null);
    }
}
