using System.Text.Json.Nodes;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

/// <summary>
/// A fleet project wired to <see cref="TestHosts"/>: the harness's key and known_hosts, short time limits so fault
/// tests stay fast, and helpers to change a machine's configuration, deploy, and read deploy-report.json.
/// </summary>
public sealed class DeployFleet : IDisposable
{
    // Health checks pass on the first try for a healthy stand-in; a failing one gives up after 3 s.
    public const string HealthyCheck = """[ { command = "grep -qx healthy /run/standin/services/web"; timeout = 3; interval = 1; } ]""";

    private readonly Dictionary<string, TestMachine> _machines;

    private DeployFleet(TestProject project, TestHosts hosts, IEnumerable<TestMachine> machines)
    {
        Project = project;
        Hosts = hosts;
        _machines = machines.ToDictionary(machine => machine.Name);
    }

    public TestProject Project { get; }

    public TestHosts Hosts { get; }

    public string ReportPath => Project.PathOf("bin/nixdeploy/deploy-report.json");

    /// <summary>A healthy stand-in machine with a web service and <see cref="HealthyCheck"/>.</summary>
    public static TestMachine Machine(string name, string addr) =>
        new(name, addr, TestHosts.Port, ["web"])
        {
            Configuration = "nixdeploy.standin.services.web.healthy = true;",
            HealthChecksNix = HealthyCheck,
        };

    public static Task<DeployFleet> CreateAsync(string name, TestHosts hosts, params TestMachine[] machines) =>
        CreateAsync(name, hosts, _ => { }, machines);

    /// <summary>As above, with more in the project file (a test's hook targets).</summary>
    public static async Task<DeployFleet> CreateAsync(string name, TestHosts hosts, Action<ProjectXmlBuilder> configure, params TestMachine[] machines)
    {
        var fleet = new TestFleet();
        foreach (var machine in machines)
            fleet.Machine(machine);
        var project = await fleet.Project(name, p => configure(p
                .Property("NixDeploySshIdentityFile", hosts.IdentityFile)
                .Property("NixDeploySshKnownHostsFile", hosts.KnownHostsFile)
                .Property("NixDeployConfirmTimeout", "3")
                .Property("NixDeployActivationTimeout", "3")))
            .CreateAsync();
        return new DeployFleet(project, hosts, machines);
    }

    /// <summary>Rewrites a machine's configuration (and health checks) and commits it: its closure changes.</summary>
    public async Task ReconfigureAsync(string machine, Func<TestMachine, TestMachine> change)
    {
        _machines[machine] = change(_machines[machine]);
        var fleet = new TestFleet();
        foreach (var m in _machines.Values)
            fleet.Machine(m);
        foreach (var (path, content) in fleet.Files())
            Project.WriteFile(path, content);
        await GitRepository.CommitAllAsync(Project.Directory, $"reconfigure {machine}");
    }

    /// <summary>dotnet build -t:Deploy with the given extra properties.</summary>
    public DotnetBuild Deploy(params (string Name, string Value)[] properties)
    {
        var build = Project.Dotnet().WithTargets("Deploy").WithEnvironment(NixEnvironment.Variables).WithTimeout(TimeSpan.FromMinutes(3));
        foreach (var (name, value) in properties)
            build.WithProperty(name, value);
        return build;
    }

    public JsonObject Report() => JsonNode.Parse(File.ReadAllText(ReportPath))!.AsObject();

    public JsonObject MachineReport(string machine) => Report()["machines"]![machine]!.AsObject();

    public string Status(string machine) => MachineReport(machine)["status"]!.GetValue<string>();

    public IReadOnlyList<string> Steps(string machine) =>
        MachineReport(machine)["steps"]!.AsArray().Select(step => step!["step"]!.GetValue<string>()).ToList();

    public string? ErrorCode(string machine) => MachineReport(machine)["errorCode"]?.GetValue<string>();

    /// <summary>The closure deployment.json wants on <paramref name="machine"/>.</summary>
    public string Closure(string machine) =>
        JsonNode.Parse(File.ReadAllText(Project.PathOf("bin/nixdeploy/deployment.json")))!["closures"]![machine]!.GetValue<string>();

    public void Dispose() => Project.Dispose();
}
