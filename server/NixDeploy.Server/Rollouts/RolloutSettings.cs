using NixDeploy.Deploy;
using NixDeploy.Manifest;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// The one place a rollout's <see cref="DeploySettings"/> are made: the server's own SSH identity and known_hosts;
/// parallelism, failure policy and time limits are the core's defaults until deployment.json carries the deploy
/// policy (schema 2), which is read here.
/// </summary>
public static class RolloutSettings
{
    public static DeploySettings For(DeploymentManifest manifest, SshOptions ssh) => new(ssh);
}
