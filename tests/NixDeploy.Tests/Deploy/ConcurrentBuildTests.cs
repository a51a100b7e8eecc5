using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

public sealed class ConcurrentBuildHosts() : TestHosts(first: 240, count: 5);

/// <summary>
/// Two builds of one project share obj/nixdeploy and deployment.json: they must never mix, and Deploy acts only on
/// the machines its own selection names. The interleaving is forced with a hook target that holds a build after
/// its evaluation until the test lets it go, never by repeating a race.
/// </summary>
public sealed class ConcurrentBuildTests(ConcurrentBuildHosts hosts) : IClassFixture<ConcurrentBuildHosts>
{
    // With -p:PauseDir=DIR: after evaluating, the build says so in DIR/paused and waits for DIR/go.
    private static void PauseAfterEvaluation(ProjectXmlBuilder project) => project.Raw("""
        <Target Name="PauseAfterEvaluation" AfterTargets="_NixDeployEvaluateBlueprint" Condition="'$(PauseDir)' != ''">
          <Touch Files="$(PauseDir)/paused" AlwaysCreate="true" />
          <Exec Command="while [ ! -e '$(PauseDir)/go' ]; do sleep 0.1; done" />
        </Target>
        """);

    [Fact]
    public async Task A_build_started_during_a_deploy_of_the_same_project_waits_so_the_deploy_acts_only_on_its_own_selection()
    {
        var addresses = hosts.Lease(3);
        using var fleet = await DeployFleet.CreateAsync("concurrent", hosts, PauseAfterEvaluation,
            DeployFleet.Machine("m1", addresses[0]), DeployFleet.Machine("m2", addresses[1]), DeployFleet.Machine("m3", addresses[2]) with { Labels = ["db"] });
        var pause = Path.Combine(fleet.Project.Folder, "pause");
        Directory.CreateDirectory(pause);

        var deploying = fleet.Deploy(("NixDeployOn", "@web"), ("PauseDir", pause)).BuildAsync();
        await TestHosts.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(pause, "paused")) || deploying.IsCompleted),
            TimeSpan.FromMinutes(2), "the deploy to reach its pause");
        if (deploying.IsCompleted)
            Assert.Fail("the deploy ended before its pause:\n" + await deploying);

        var waiting = new TaskCompletionSource();
        var building = fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).WithProperty("NixDeployOn", "m3")
            .WithOutputObserver(line => { if (line.Contains("NixDeploy: waiting for another build", StringComparison.Ordinal)) waiting.TrySetResult(); })
            .BuildAsync();
        // Either the build waits for the deploy (as it must) or, mixing, runs to its end while the deploy is held.
        await Task.WhenAny(waiting.Task, building);
        File.WriteAllText(Path.Combine(pause, "go"), "");
        var deployed = await deploying;
        var built = await building;

        deployed.AssertSucceeded();
        built.AssertSucceeded();
        Assert.True(waiting.Task.IsCompleted, "the second build did not wait for the first:\n" + built.StandardOutput);
        Assert.Equal(["m1", "m2"], fleet.Report()["machines"]!.AsObject().Select(machine => machine.Key).Order());
        Assert.Equal(fleet.MachineReport("m1")["newClosure"]!.GetValue<string>(), await hosts.LiveSystemAsync(addresses[0]));
        Assert.Equal("", await hosts.LiveSystemAsync(addresses[2]));
        Assert.Contains("selected: m1, m2", deployed.StandardOutput);
        Assert.Contains("selected: m3", built.StandardOutput);
        // deployment.json holds every machine: m3 built by the second build, m1 and m2 kept from the deploy's.
        Assert.Equal(["m1", "m2", "m3"], JsonClosures(fleet).Keys.Order());
    }

    [Fact]
    public async Task Deploy_refuses_machines_its_selection_did_not_name_and_deploys_nothing()
    {
        var addresses = hosts.Lease(2);
        // With -p:ForeignState=DIR, what another build of the project left in obj/ replaces this build's own
        // evaluation and closures before its machines are read: the mix two unsynchronised builds produced.
        using var fleet = await DeployFleet.CreateAsync("disagree", hosts, project => project.Raw("""
                <Target Name="TakeForeignState" BeforeTargets="_NixDeployGetBuiltMachines" Condition="'$(ForeignState)' != ''">
                  <Copy SourceFiles="$(ForeignState)/evaluation.json;$(ForeignState)/closures.json" DestinationFolder="$(NixDeployIntermediatePath)" />
                </Target>
                """),
            DeployFleet.Machine("m1", addresses[0]), DeployFleet.Machine("m2", addresses[1]));
        (await fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).WithProperty("NixDeployOn", "m2").BuildAsync()).AssertSucceeded();
        var foreign = Path.Combine(fleet.Project.Folder, "foreign");
        Directory.CreateDirectory(foreign);
        foreach (var file in new[] { "evaluation.json", "closures.json" })
            File.Copy(fleet.Project.PathOf($"obj/nixdeploy/{file}"), Path.Combine(foreign, file));

        var deploy = await fleet.Deploy(("NixDeployOn", "m1"), ("ForeignState", foreign)).BuildAsync();

        deploy.AssertFailed();
        deploy.AssertNoStackTrace();
        var error = Assert.Single(deploy.Errors, e => e.Code == "ND5017");
        Assert.Contains("m2", error.Message);
        Assert.Equal("", await hosts.LiveSystemAsync(addresses[1]));
        Assert.Equal("", await hosts.LiveSystemAsync(addresses[0]));
    }

    private static Dictionary<string, string> JsonClosures(DeployFleet fleet) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(fleet.Project.PathOf("bin/nixdeploy/deployment.json")))!["closures"]!.AsObject()
            .ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>());
}
