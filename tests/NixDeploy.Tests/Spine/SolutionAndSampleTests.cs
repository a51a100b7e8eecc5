using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Spine;

public sealed class SolutionAndSampleTests
{
    [Fact]
    public async Task Dotnet_sln_add_accepts_a_fleet_and_the_solution_restores_and_builds_it()
    {
        using var project = await new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web").Project("insln").CreateAsync();
        var newSolution = await DotnetCommand.RunAsync(project.Directory, "new", "sln", "--name", "fleet", "--format", "slnx");
        Assert.True(newSolution.ExitCode == 0, newSolution.StandardOutput + newSolution.StandardError);

        var add = await DotnetCommand.RunAsync(project.Directory, "sln", "fleet.slnx", "add", Path.GetFileName(project.ProjectFile));

        Assert.True(add.ExitCode == 0, add.StandardOutput + add.StandardError);
        Assert.Contains("insln.nixdeploy", File.ReadAllText(project.PathOf("fleet.slnx")));
        var build = await new DotnetBuild(project.PathOf("fleet.slnx"), project.LogDirectory).BuildAsync();
        build.AssertSucceeded();
        // NU1503 is NuGet refusing the project; a solution of only fleets still hears NuGet's own "nothing to restore".
        Assert.DoesNotContain(build.Warnings, w => w.Code == "NU1503" || w.Message.Contains("insln.nixdeploy"));
        Assert.True(File.Exists(Manifests.PathIn(project)));
    }

    [Fact]
    public async Task The_sample_fleet_builds_offline_with_the_stand_in()
    {
        var output = TestRunDirectory.CreateFolder("sample");
        var sample = Path.Combine(RepositoryRoot.Path, "samples", "fleet", "fleet.nixdeploy");

        // Built in place (it is a git tree of this repository) with outputs redirected out of the checkout.
        var result = await new DotnetBuild(sample, Path.Combine(output, "logs"))
            .WithProperty("BaseOutputPath", Path.Combine(output, "bin") + "/")
            .WithProperty("BaseIntermediateOutputPath", Path.Combine(output, "obj") + "/")
            .BuildAsync();

        result.AssertSucceeded();
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "bin", "nixdeploy", "deployment.json")))!;
        Assert.Equal(["db-1", "web-1", "web-2"], manifest["closures"]!.AsObject().Select(p => p.Key).Order());
        TestRunDirectory.Remove(output);
    }
}
