using NixDeploy.Deploy;
using NixDeploy.Manifest;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// The one place a rollout's <see cref="DeploySettings"/> are made: the server's own SSH identity and known_hosts with
/// the document's deploy policy (parallelism, failure policy, time limits; the core's defaults for a version 1 document).
/// </summary>
public static class RolloutSettings
{
    public static DeploySettings For(DeploymentManifest manifest, SshOptions ssh) => DeploySettings.FromPolicy(manifest.Policy, ssh, "deployment.json");
}
