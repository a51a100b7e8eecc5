namespace NixDeploy.Diagnostics;

/// <summary>
/// Every code the SDK and the tool report. Codes are stable: tests, docs and users' CI scripts rely on them.
/// </summary>
public static class ErrorCodes
{
    // ND10xx: Nix itself.
    public const string NixMissing = "ND1001";
    public const string NixTooOld = "ND1002";
    public const string NixCommandFailed = "ND1003";

    // ND11xx: evaluating the blueprint.
    public const string FlakeEvaluationFailed = "ND1101";
    public const string BlueprintMalformed = "ND1102";
    public const string BlueprintMissingField = "ND1103";
    public const string BlueprintWrongType = "ND1104";
    public const string BlueprintUnknownBackend = "ND1105";
    public const string MachineWithoutConfiguration = "ND1106";
    public const string ConfigurationWithoutMachine = "ND1107";
    public const string UnsafeMachineName = "ND1108";
    public const string UnsafeAddress = "ND1109";
    public const string UnsafeUser = "ND1110";
    public const string InvalidValue = "ND1111";
    public const string SelectionMatchesNothing = "ND1112";
    // A warning: an empty fleet builds (nothing) and deploys nothing.
    public const string BlueprintEmpty = "ND1113";

    // ND12xx: building closures.
    public const string ClosureBuildFailed = "ND1201";
    public const string InvalidStorePath = "ND1202";

    // ND13xx: the deployment manifest.
    public const string PreviousManifestCorrupt = "ND1301";
    public const string PreviousManifestUnknownSchema = "ND1302";
    public const string PreviousManifestMissing = "ND1303";
    public const string GitFailed = "ND1304";

    public const string IntermediateFileUnreadable = "ND1305";

    // ND50xx: deploying.
    public const string HostUnreachable = "ND5001";
    public const string DeployLocked = "ND5002";
    public const string ClosureCopyFailed = "ND5003";
    public const string ActivationFailed = "ND5004";
    public const string ActivationTimedOut = "ND5005";
    public const string HealthCheckFailed = "ND5006";
    public const string BootEntryFailed = "ND5007";
    public const string ConfirmationTooLate = "ND5008";
    public const string RollbackFailed = "ND5009";
    public const string RemoteAgentFailed = "ND5010";
    public const string InvalidDeploySetting = "ND5011";
    public const string InvalidSshOption = "ND5012";
    public const string MachineNotBuilt = "ND5013";
    public const string MachineSkipped = "ND5014";
    public const string DeployCancelled = "ND5015";
    public const string DeploymentManifestUnreadable = "ND5016";

    // ND90xx: the SDK's own faults, reported without a stack trace but with the type for a bug report.
    public const string InternalError = "ND9001";
}
