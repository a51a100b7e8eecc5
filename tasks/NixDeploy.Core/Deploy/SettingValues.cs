using System.Globalization;
using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>
/// Parses settings given as text (MSBuild properties, tool options): empty means the default, anything unparseable
/// fails naming the property, with the code of the step it configures (ND5011 for deploy settings by default).
/// </summary>
public static class SettingValues
{
    public static int Integer(string? value, int fallback, string property, string? file, string code = ErrorCodes.InvalidDeploySetting)
    {
        if (string.IsNullOrWhiteSpace(value))
            return fallback;
        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new NixDeployException(code, $"{property} '{value}' is not a whole number.", file);
    }

    public static bool Boolean(string? value, bool fallback, string property, string? file, string code = ErrorCodes.InvalidDeploySetting) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => fallback,
        "true" => true,
        "false" => false,
        _ => throw new NixDeployException(code, $"{property} '{value}' must be true or false.", file),
    };
}
