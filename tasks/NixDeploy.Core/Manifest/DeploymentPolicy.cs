namespace NixDeploy.Manifest;

/// <summary>
/// How the fleet's project says a rollout runs, recorded so that a control plane deploys as the Deploy target would.
/// The deploy layer turns it into its settings (<c>DeploySettings.FromPolicy</c>).
/// </summary>
/// <param name="OnFailure"><c>continue</c> or <c>halt</c>.</param>
/// <param name="Waves">NixDeployWaves (<c>@canary/10%/*</c>); null: one wave of every machine. The three wave settings
/// are null at their defaults, so a fleet without waves keeps the document it had.</param>
/// <param name="MaxFailures">NixDeployMaxFailures (<c>1</c>, <c>10%</c>); null: none.</param>
/// <param name="RollbackWave">NixDeployRollbackWave; null: false.</param>
public sealed record DeploymentPolicy(
    int Parallelism, string OnFailure, int ConfirmTimeoutSeconds, int ActivationTimeoutSeconds,
    string? Waves = null, string? MaxFailures = null, bool? RollbackWave = null);
