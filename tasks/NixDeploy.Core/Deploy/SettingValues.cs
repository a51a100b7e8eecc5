using System.Globalization;
using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>
/// Parses deploy settings given as text (MSBuild properties, tool options): empty means the default, anything
/// unparseable fails with ND5011 naming the property.
/// </summary>
public static class SettingValues
{
    public static int Integer(string? value, int fallback, string property, string? file)
    {
        if (string.IsNullOrWhiteSpace(value))
            return fallback;
        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new NixDeployException(ErrorCodes.InvalidDeploySetting, $"{property} '{value}' is not a whole number.", file);
    }

    public static bool Boolean(string? value, bool fallback, string property, string? file) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => fallback,
        "true" => true,
        "false" => false,
        _ => throw new NixDeployException(ErrorCodes.InvalidDeploySetting, $"{property} '{value}' must be true or false.", file),
    };
}
