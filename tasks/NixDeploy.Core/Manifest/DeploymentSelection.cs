namespace NixDeploy.Manifest;

/// <summary>
/// Which machines the build that wrote deployment.json evaluated and built (NixDeployOn, <c>--on</c>), and so which
/// a deploy of that build touches; the document still holds every machine's desired state.
/// </summary>
/// <param name="Expression">The selection as given; null when every machine was selected.</param>
public sealed record DeploymentSelection(string? Expression, IReadOnlyList<string> Machines);
