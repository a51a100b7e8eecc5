using System.Text.Json.Nodes;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Server;

/// <summary>
/// Three real system closures built once on the stand-in (healthy A, healthy B, unhealthy U), which the rollout tests
/// place on their own hosts by writing deployment.json documents around them.
/// </summary>
public sealed class ControlPlaneClosures : IAsyncLifetime
{
    private TestProject? _project;

    public string A { get; private set; } = "";

    public string B { get; private set; } = "";

    public string Unhealthy { get; private set; } = "";

    public async Task InitializeAsync()
    {
        NixEnvironment.RequireNix();
        var fleet = new TestFleet()
            .Machine(DeployFleet.Machine("web-a", "127.0.0.70") with { Configuration = "nixdeploy.standin.services.web.healthy = true;\n  users.motd = \"a\";" })
            .Machine(DeployFleet.Machine("web-b", "127.0.0.71") with { Configuration = "nixdeploy.standin.services.web.healthy = true;\n  users.motd = \"b\";" })
            .Machine(DeployFleet.Machine("web-u", "127.0.0.72") with { Configuration = "nixdeploy.standin.services.web.healthy = false;" });
        _project = await fleet.Project("cp-closures").CreateAsync();
        var build = await _project.Dotnet().WithTargets("Build").WithEnvironment(NixEnvironment.Variables).WithTimeout(TimeSpan.FromMinutes(5)).BuildAsync();
        build.AssertSucceeded();
        var closures = JsonNode.Parse(File.ReadAllText(_project.PathOf("bin/nixdeploy/deployment.json")))!["closures"]!;
        A = closures["web-a"]!.GetValue<string>();
        B = closures["web-b"]!.GetValue<string>();
        Unhealthy = closures["web-u"]!.GetValue<string>();
    }

    public Task DisposeAsync()
    {
        _project?.Dispose();
        return Task.CompletedTask;
    }
}
