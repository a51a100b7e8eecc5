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
    // A misspelt field would otherwise be ignored (autoRolback = false leaves rollback on).
    public const string BlueprintUnknownField = "ND1120";
    // Only a builtins.toJSON string can hold a key twice; JSON readers disagree on which one wins.
    public const string BlueprintDuplicateKey = "ND1121";
    public const string VmSystemNotBootable = "ND1140";
    // A warning: a .nix file in the flake's folder that git does not track, which the flake therefore cannot see.
    public const string NixFileNotInGit = "ND1150";
    // deployment.privilegeEscalation is not none, sudo or doas.
    public const string BlueprintUnknownPrivilegeEscalation = "ND1170";
    // An empty blueprint while deployment.json holds machines: an error, so the good manifest is kept.
    public const string BlueprintEmptiedFleet = "ND1130";
    // ND1160-ND1169: pull machines (deployment.mode).
    public const string BlueprintUnknownMode = "ND1160";

    // ND12xx: building closures.
    public const string ClosureBuildFailed = "ND1201";
    public const string InvalidStorePath = "ND1202";
    // Where closures are built (NixDeployBuildOn, NixDeployBuilders).
    public const string InvalidBuildOn = "ND1210";
    public const string InvalidBuilders = "ND1211";
    public const string RemoteBuilderUnavailable = "ND1212";
    public const string TargetBuildFailed = "ND1213";
    public const string ClosureNotOnTarget = "ND1214";
    public const string HostClosureUnreachable = "ND1215";

    // ND13xx: the deployment manifest.
    public const string PreviousManifestCorrupt = "ND1301";
    public const string PreviousManifestUnknownSchema = "ND1302";
    public const string PreviousManifestMissing = "ND1303";
    public const string GitFailed = "ND1304";

    public const string IntermediateFileUnreadable = "ND1305";

    // deployment.json as the whole contract of a rollout (schema version 2).
    public const string ReplacedManifestUnreadable = "ND1310";
    public const string ArtifactNotCarried = "ND1311";
    public const string ArtifactPayloadMissing = "ND1312";

    // ND14xx: workloads (the flake's workloads output) and their deliverables.
    public const string WorkloadWrongType = "ND1401";
    public const string WorkloadMissingField = "ND1402";
    public const string WorkloadUnknownField = "ND1403";
    public const string UnsafeWorkloadName = "ND1404";
    public const string WorkloadSourceInvalid = "ND1405";
    public const string WorkloadFetchUnpinned = "ND1406";
    public const string WorkloadRegistryUnpinned = "ND1407";
    public const string WorkloadRuntimeInvalid = "ND1408";
    public const string WorkloadTargetMatchesNothing = "ND1409";
    public const string WorkloadInvalidValue = "ND1410";
    public const string WorkloadBuildInvalid = "ND1411";
    public const string WorkloadDeliverableFailed = "ND1420";
    public const string WorkloadDeliverableNotFile = "ND1421";
    public const string WorkloadCommandBuildInvalid = "ND1430";
    public const string WorkloadCommandBuildFailed = "ND1431";

    // ND40xx: binary caches.
    public const string InvalidCache = "ND4001";
    public const string CacheSecretKeyInvalid = "ND4002";
    public const string CacheCredentialMissing = "ND4003";
    public const string AtticMissing = "ND4004";
    // An error for a Required cache, a warning otherwise.
    public const string CachePushFailed = "ND4005";
    public const string InvalidCacheSetting = "ND4006";
    public const string CacheDeployKeyMissing = "ND4007";
    // Deploying from a cache: the host refused what the cache served (unsigned, other key, tampered NAR) ...
    public const string CacheSubstitutionRefused = "ND4008";
    // ... or could not fetch it at all.
    public const string CacheSubstitutionFailed = "ND4009";
    public const string PostBuildHookConfigInvalid = "ND4010";

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
    // deployment.json or the build's machines are not what the deploy's own NixDeployOn selects.
    public const string DeploySelectionMismatch = "ND5017";
    public const string ActivationDidNotTake = "ND5020";
    public const string FirstActivationDidNotTake = "ND5021";
    // ND5070-ND5079: what a pull agent reports (Host/pull-agent.sh spells them; it reports the push deploy's codes for the same failures).
    // The closure could not be substituted from the desired state's substituters with only their keys: nothing was activated.
    public const string PullSubstitutionFailed = "ND5070";
    // The server's confirmation did not arrive within the confirm timeout after the health checks: the watchdog rolled back.
    public const string PullConfirmationMissing = "ND5071";
    // NixDeployRetryFailed: together with NixDeployOn / without a readable deploy-report.json to retry from.
    public const string RetryWithSelection = "ND5040";
    public const string RetryReportUnreadable = "ND5041";
    // NixDeployWaves / NixDeployMaxFailures: not valid; a wave's term names no machine of the fleet.
    public const string InvalidWaves = "ND5042";
    public const string WaveMatchesNothing = "ND5043";
    public const string InvalidMaxFailures = "ND5044";
    // Not started: an earlier wave failed more machines than NixDeployMaxFailures allows.
    public const string WaveOverFailureBudget = "ND5045";
    // Deployed and healthy, then rolled back with its wave (NixDeployRollbackWave) when the wave went over its budget.
    public const string RolledBackWithWave = "ND5046";
    // The SSH user may not run the host steps as root (sudo -n true / doas -n true failed) / the host's Nix daemon refused
    // the copied closure (the user is not in its trusted-users and the paths are unsigned).
    public const string PrivilegeEscalationRefused = "ND5050";
    public const string ClosureCopyNotTrusted = "ND5051";

    // ND51xx: deploying workloads.
    public const string WorkloadDigestMismatch = "ND5101";
    public const string WorkloadLoadFailed = "ND5102";
    public const string WorkloadHealthCheckFailed = "ND5103";
    public const string WorkloadStartFailed = "ND5104";
    public const string WorkloadRollbackFailed = "ND5105";
    public const string WorkloadRuntimeMissing = "ND5106";
    public const string WorkloadHostFailed = "ND5107";

    // ND60xx: artifacts.
    public const string ArtifactDeclarationInvalid = "ND6001";
    public const string UnsafeArtifactName = "ND6002";
    public const string ArtifactPathInvalid = "ND6003";
    public const string ArtifactPermissionsInvalid = "ND6004";
    public const string ArtifactBackendInvalid = "ND6005";
    public const string ArtifactRecipientsInvalid = "ND6006";
    public const string ArtifactPromptMissing = "ND6007";
    public const string ArtifactGeneratorFailed = "ND6008";
    public const string ArtifactGeneratorOutputMismatch = "ND6009";
    public const string ArtifactSerializeFailed = "ND6010";
    public const string ArtifactDeserializeFailed = "ND6011";
    public const string SharedArtifactConflict = "ND6012";
    // An error from 'artifacts check' (missing or stale); a warning from the build for secrets encrypted to old recipients.
    public const string ArtifactMissingOrStale = "ND6013";
    public const string AgeMissing = "ND6014";
    public const string ArtifactPlacementFailed = "ND6015";
    public const string ArtifactStateUnreadable = "ND6016";

    // ND70xx: the tool.
    public const string ProjectNotFound = "ND7001";
    public const string ProjectAmbiguous = "ND7002";
    public const string ManifestNotBuilt = "ND7003";
    public const string TargetFailed = "ND7004";
    public const string UnknownMachine = "ND7005";
    public const string NoPreviousGeneration = "ND7006";
    public const string KeyFileExists = "ND7007";
    public const string DotnetMissing = "ND7008";
    public const string InvalidKeyName = "ND7009";
    // The project evaluates without a property NixDeploy.Sdk always sets: it does not use the SDK.
    public const string NotAnSdkProject = "ND7018";

    // ND80xx: the control plane (dotnet nixdeploy serve).
    public const string ServerSchemaTooNew = "ND8001";
    public const string ServerDatabaseUnusable = "ND8002";
    public const string ServerConfigInvalid = "ND8003";
    public const string PlainHttpNotOnLoopback = "ND8004";
    public const string TlsCertificateUnusable = "ND8005";
    public const string RequestMalformed = "ND8010";
    public const string DeploymentSchemaUnknown = "ND8011";
    public const string DeploymentClosureInvalid = "ND8012";
    public const string RequestTooLarge = "ND8013";
    public const string Unauthenticated = "ND8014";
    public const string Forbidden = "ND8015";
    public const string NotFound = "ND8016";
    public const string ReportNotReady = "ND8017";
    // The server stopped during a machine's rollout and could not take it up again (unreachable, or still locked).
    public const string RolloutInterrupted = "ND8020";
    // The control plane's binary cache (/cache): a refused upload.
    public const string CacheFileNameInvalid = "ND8080";
    public const string CacheNarInfoInvalid = "ND8081";
    public const string CacheNarHashConflict = "ND8082";
    public const string CacheUploadTooLarge = "ND8083";
    // ND8100-ND8129: builds on the control plane.
    public const string BuildsNotConfigured = "ND8100";
    public const string BuildFetchFailed = "ND8101";
    public const string BuildFailed = "ND8102";
    public const string BuildInterrupted = "ND8103";
    // ND8130-ND8149: pull agents (machines that fetch their desired state from the control plane).
    // A machine no deployment names (yet): its agent asks again later.
    public const string MachineNotDeployed = "ND8130";
    // A confirmation of a deployment that is no longer the machine's desired one: the agent rolls back.
    public const string ConfirmationNotDesired = "ND8131";
    // A machine token is bound to one machine; POST /tokens makes no machine tokens.
    public const string MachineTokenRole = "ND8132";
    // Pull machines that had not applied the deployment when NixDeployPullTimeout ended (a warning; an error with NixDeployRequireAll).
    public const string PullMachinesPending = "ND8133";
    // A pull machine asked to be reached over SSH (a Deploy without a control plane, plan, exec, a rollback): only its agent deploys it.
    public const string PullMachineNeedsControlPlane = "ND8134";
    // machine add would replace a machine's token or netrc file (an agent may still use them).
    public const string AgentFilesExist = "ND8135";

    // ND804x: clients of the control plane (PublishDeployment, Deploy with NixDeployControlPlane, the tool's --server).
    public const string InvalidControlPlaneUrl = "ND8040";
    public const string ControlPlaneTokenMissing = "ND8041";
    public const string ControlPlaneTokenUnreadable = "ND8042";
    public const string ControlPlaneUnreachable = "ND8043";
    // 401 / 403 from something in front of the control plane (a proxy); the server's own answers carry its codes.
    public const string ControlPlaneUnauthorized = "ND8044";
    public const string ControlPlaneForbidden = "ND8045";
    // An error answer without an ND code of the server's own, or an answer that is not the API's.
    public const string ControlPlaneRequestFailed = "ND8046";
    public const string ControlPlaneTimedOut = "ND8047";
    public const string InvalidControlPlaneSetting = "ND8048";

    // ND90xx: the SDK's own faults, reported without a stack trace but with the type for a bug report.
    public const string InternalError = "ND9001";
}
