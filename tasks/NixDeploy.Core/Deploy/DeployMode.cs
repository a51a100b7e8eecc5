using System.Text.Json.Serialization;
using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>What a deploy does with a machine's closure once it is on the host, as nixos-rebuild's and colmena's goals.</summary>
public enum DeployMode
{
    /// <summary>Activate under the rollback watchdog, health checks, make it the boot default, confirm.</summary>
    [JsonStringEnumMemberName("switch")] Switch,

    /// <summary>Profile and boot entry only, nothing activated: the closure runs after the next reboot.</summary>
    [JsonStringEnumMemberName("boot")] Boot,

    /// <summary>As switch, but neither the profile nor the boot entry change: the next reboot returns to the old system.</summary>
    [JsonStringEnumMemberName("test")] Test,

    /// <summary>Copy the closure and ask its switch-to-configuration what activating it would change; change nothing.</summary>
    [JsonStringEnumMemberName("dry-activate")] DryActivate,
}

public static class DeployModes
{
    public static DeployMode Parse(string value, SettingLayers layers) => value.Trim().ToLowerInvariant() switch
    {
        "switch" => DeployMode.Switch,
        "boot" => DeployMode.Boot,
        "test" => DeployMode.Test,
        "dry-activate" => DeployMode.DryActivate,
        _ => throw layers.Refuse(ErrorCodes.InvalidDeploySetting, "NixDeployDeployMode",
            $"NixDeployDeployMode '{value}' is not a deploy mode: use 'switch' (activate and make it the boot default), 'boot' (boot default only, " +
            "runs after a reboot), 'test' (activate only, the next reboot returns to the old system) or 'dry-activate' (say what would change)."),
    };

    public static string ToSettingName(this DeployMode mode) => mode == DeployMode.DryActivate ? "dry-activate" : mode.ToString().ToLowerInvariant();
}
