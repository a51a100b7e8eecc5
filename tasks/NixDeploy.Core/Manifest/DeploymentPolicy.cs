namespace NixDeploy.Manifest;

/// <summary>
/// How the fleet's project says a rollout runs, recorded so that a control plane deploys as the Deploy target would.
/// The deploy layer turns it into its settings (<c>DeploySettings.FromPolicy</c>).
/// </summary>
/// <param name="OnFailure"><c>continue</c> or <c>halt</c>.</param>
public sealed record DeploymentPolicy(int Parallelism, string OnFailure, int ConfirmTimeoutSeconds, int ActivationTimeoutSeconds);
