using System.Text.Json.Serialization;
using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>What happens to machines not yet started once one machine failed.</summary>
public enum FailurePolicy
{
    /// <summary>Deploy every machine regardless.</summary>
    [JsonStringEnumMemberName("continue")] Continue,

    /// <summary>Start no new machine; those not started are reported skipped.</summary>
    [JsonStringEnumMemberName("halt")] Halt,
}

public static class FailurePolicies
{
    public static FailurePolicy Parse(string value, SettingLayers layers) => value.Trim().ToLowerInvariant() switch
    {
        "continue" => FailurePolicy.Continue,
        "halt" => FailurePolicy.Halt,
        _ => throw layers.Refuse(ErrorCodes.InvalidDeploySetting, "NixDeployOnFailure",
            $"NixDeployOnFailure '{value}' is not a failure policy: use 'continue' (deploy every machine) or 'halt' (start no new machine after a failure)."),
    };

    /// <summary>The policy as settings, reports and deployment.json spell it.</summary>
    public static string Name(this FailurePolicy policy) => policy == FailurePolicy.Halt ? "halt" : "continue";
}
