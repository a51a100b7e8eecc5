using System.Text;
using System.Text.Json.Nodes;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Artifacts;

/// <summary>
/// A <see cref="TestFleet"/> whose flake also has an <c>artifacts</c> output, written by the test as Nix (artifacts.nix,
/// a function of <c>{ machines }</c>), with age recipients from <see cref="ArtifactKeys"/> as <c>config.age</c>.
/// Generators note each run in the file named by <c>$RUN_LOG</c> (see <see cref="Build"/>) so tests can count them.
/// </summary>
public static class ArtifactFleet
{
    public static readonly string[] Machines = ["web-1", "web-2"];

    public static TestFleet Fleet()
    {
        var fleet = new TestFleet();
        for (var i = 0; i < Machines.Length; i++)
            fleet.Machine(Machines[i], $"127.0.0.{146 + i}", 2222, "web"); // never contacted: these fleets are built, not deployed
        return fleet;
    }

    public static string RunLog(TestProject project) => Path.Combine(project.Folder, "generator-runs.log");

    /// <summary>A build with Nix's settings and <c>RUN_LOG</c> for the generators.</summary>
    public static DotnetBuild Build(TestProject project) =>
        project.Dotnet().WithEnvironment(NixEnvironment.Variables).WithEnvironment("RUN_LOG", RunLog(project)).WithTimeout(TimeSpan.FromMinutes(3));

    /// <summary>Lines of the run log: one per generator run, as the generator wrote them.</summary>
    public static IReadOnlyList<string> Runs(TestProject project) =>
        File.Exists(RunLog(project)) ? File.ReadAllLines(RunLog(project)) : [];

    /// <param name="store">Nix for <c>artifacts.store</c>, an expression of <c>machines</c> (machines.nix).</param>
    /// <param name="extra">More attributes of the artifacts output, e.g. <c>backend.vault = ...;</c>.</param>
    /// <param name="admins">The admins' keys as a Nix list; the test's admin key by default.</param>
    /// <param name="fleet">The machines; <see cref="Fleet()"/> by default.</param>
    public static TestProjectBuilder Project(
        string name, ArtifactKeys keys, string store, string extra = "", Action<ProjectXmlBuilder>? configure = null, string? admins = null, TestFleet? fleet = null)
    {
        var builder = (fleet ?? Fleet()).Project(name, configure);
        builder.WithFile("artifacts.nix", ArtifactsNix(keys, store, extra, admins));
        return builder;
    }

    public static string ArtifactsNix(ArtifactKeys keys, string store, string extra, string? admins = null)
    {
        var hosts = new StringBuilder();
        foreach (var (machine, key) in keys.HostPublicKeys)
            hosts.Append($"      {machine} = {{ publicKey = \"{key}\"; identityFile = \"{keys.HostIdentityFile(machine)}\"; }};\n");
        return $$"""
            { machines }:
            {
              store = {{store}};
              config.age = {
                admins = {{admins ?? $"[ \"{keys.AdminRecipient}\" ]"}};
                hosts = {
            {{hosts}}    };
              };
              {{extra}}
            }
            """;
    }

    /// <summary>Age keys whose host identities are the test hosts' own SSH host keys, for machines at those hosts' addresses.</summary>
    public static async Task<ArtifactKeys> HostKeysAsync(TestHosts hosts, params (string Machine, string Address)[] machines)
    {
        var hostsJson = JsonNode.Parse(File.ReadAllText(Path.Combine(hosts.Directory, "hosts.json")))!.AsArray();
        var identities = machines.ToDictionary(
            m => m.Machine,
            m => Path.Combine(hostsJson.Single(h => h!["addr"]!.GetValue<string>() == m.Address)!["dir"]!.GetValue<string>(), "ssh_host_ed25519_key"));
        return await ArtifactKeys.WithHostKeysAsync(TestRunDirectory.CreateFolder("keys"), identities);
    }

    /// <summary>A fleet of healthy stand-in machines on <paramref name="hosts"/>, with artifacts, ready to deploy (short time limits).</summary>
    public static async Task<TestProject> DeployProjectAsync(
        TestHosts hosts, string name, ArtifactKeys keys, string store, (string Machine, string Address)[] machines, string extra)
    {
        var fleet = new TestFleet();
        foreach (var (machine, address) in machines)
            fleet.Machine(DeployFleet.Machine(machine, address));
        return await Project(name, keys, store, extra, fleet: fleet, configure: p => p
                .Property("NixDeploySshIdentityFile", hosts.IdentityFile)
                .Property("NixDeploySshKnownHostsFile", hosts.KnownHostsFile)
                .Property("NixDeployConfirmTimeout", "3")
                .Property("NixDeployActivationTimeout", "3"))
            .CreateAsync();
    }

    /// <summary>The manifest's artifacts section of one machine, by artifact name (shared ones prefixed "shared/").</summary>
    public static Dictionary<string, JsonObject> ManifestArtifacts(JsonObject manifest, string machine) =>
        manifest["artifacts"]![machine]!.AsArray().Select(a => a!.AsObject())
            .ToDictionary(a => (a["shared"]!.GetValue<bool>() ? "shared/" : "") + a["name"]!.GetValue<string>());
}
