using NixDeploy.Blueprint;

namespace NixDeploy.Deploy;

/// <summary>One machine to deploy: how to reach it and the closure it should run (null when none was built).</summary>
public sealed record MachinePlan(string Name, DeploymentSpec Deployment, string? Closure);
