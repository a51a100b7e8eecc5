using NixDeploy.Nix;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Spine;

public sealed class PipelineBuildTests
{
    /// <summary>web-1 and web-2 (label web), db-1 (label db): built, never contacted.</summary>
    internal static TestFleet ThreeMachines() => new TestFleet()
        .Machine("web-1", "127.0.0.11", 2222, "web")
        .Machine("web-2", "127.0.0.12", 2222, "web")
        .Machine("db-1", "127.0.0.13", 2222, "db");

    [Fact]
    public async Task Build_writes_a_manifest_with_every_machines_built_closure_and_the_git_commit()
    {
        using var project = await ThreeMachines().Project("fleet").CreateAsync();

        var result = await project.Dotnet().BuildAsync();

        result.AssertSucceeded();
        var manifest = Manifests.Read(project);
        Assert.Equal(2, manifest["schemaVersion"]!.GetValue<int>());
        Assert.Equal(await Manifests.GitHeadAsync(project.Directory), manifest["gitCommit"]!.GetValue<string>());
        Assert.False(manifest["gitDirty"]!.GetValue<bool>());
        var closures = Manifests.Closures(manifest);
        Assert.Equal(["db-1", "web-1", "web-2"], closures.Keys.Order());
        foreach (var (machine, closure) in closures)
        {
            Assert.True(StorePath.IsValid(closure), closure);
            Assert.Contains($"-nixos-system-{machine}-", closure);
            Assert.True(File.Exists(Path.Combine(closure, "bin", "switch-to-configuration")), $"{closure} has no switch-to-configuration");
        }
        Assert.All(Manifests.Changes(manifest).Values, change => Assert.Equal("added", change));
        Assert.True(manifest["changed"]!.GetValue<bool>());
        Assert.Equal(2222, manifest["blueprint"]!["web-1"]!["deployment"]!["sshPort"]!.GetValue<int>());
        Assert.Equal("root", manifest["blueprint"]!["web-1"]!["deployment"]!["sshUser"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_closures_are_built_in_one_nix_build_call()
    {
        using var project = await ThreeMachines().Project("onecall").CreateAsync();

        var result = await project.Dotnet().BuildAsync();

        result.AssertSucceeded();
        var builds = result.DetailedLog.Split('\n').Count(line => line.Contains("NixDeploy: running nix ") && line.Contains(" build --json"));
        Assert.Equal(1, builds);
    }

    [Fact]
    public async Task Machines_are_items_a_users_target_can_use_after_the_steps_and_a_dirty_tree_is_flagged()
    {
        using var project = await ThreeMachines()
            .Project("hooks", p => p.Raw("""
                <Target Name="ListMachines" AfterTargets="GenerateArtifacts">
                  <Message Importance="high" Text="MACHINE %(NixDeployMachine.Identity) %(NixDeployMachine.Addr):%(NixDeployMachine.SshPort) [%(NixDeployMachine.Labels)] %(NixDeployMachine.Closure)" />
                  <Message Importance="high" Text="CHANGED=$(NixDeployChanged)" />
                </Target>
                """))
            .CreateAsync();
        File.AppendAllText(project.PathOf("machines/web-1.nix"), "\n");

        var result = await project.Dotnet().BuildAsync();

        result.AssertSucceeded();
        var closures = Manifests.Closures(Manifests.Read(project));
        Assert.Contains($"MACHINE web-1 127.0.0.11:2222 [web] {closures["web-1"]}", result.StandardOutput);
        Assert.Contains($"MACHINE db-1 127.0.0.13:2222 [db] {closures["db-1"]}", result.StandardOutput);
        Assert.Contains("CHANGED=True", result.StandardOutput);
        Assert.True(Manifests.Read(project)["gitDirty"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("web-*", new[] { "web-1", "web-2" })]
    [InlineData("@db", new[] { "db-1" })]
    [InlineData("web-2,@db", new[] { "db-1", "web-2" })]
    public async Task Selection_by_name_glob_and_label_builds_only_the_selected_machines(string selection, string[] expected)
    {
        using var project = await ThreeMachines().Project("select").CreateAsync();

        var result = await project.Dotnet().WithProperty("NixDeployOn", selection).BuildAsync();

        result.AssertSucceeded();
        Assert.Equal(expected, Manifests.Closures(Manifests.Read(project)).Keys.Order());
    }

    /// <summary>The argument exactly as typed in bash (no quotes, no escaping), not through WithProperty's escaping.</summary>
    [Theory]
    [InlineData("-p:NixDeployOn=web-2+@db", new[] { "db-1", "web-2" })]
    [InlineData("-p:NixDeployOn=web-1%2Cdb-1", new[] { "db-1", "web-1" })]
    public async Task A_selection_of_several_parts_works_as_typed_on_the_command_line(string argument, string[] expected)
    {
        using var project = await ThreeMachines().Project("typed").CreateAsync();

        var result = await project.Dotnet().WithArgument(argument).BuildAsync();

        result.AssertSucceeded();
        Assert.Equal(expected, Manifests.Closures(Manifests.Read(project)).Keys.Order());
    }

    [Fact]
    public async Task A_selection_that_matches_nothing_is_an_error_listing_what_exists()
    {
        using var project = await ThreeMachines().Project("nomatch").CreateAsync();

        var result = await project.Dotnet().WithProperty("NixDeployOn", "mail-*").BuildAsync();

        result.AssertFailed();
        var error = Assert.Single(result.Errors, e => e.Code == "ND1112");
        Assert.Contains("web-1", error.Message);
        Assert.False(File.Exists(Manifests.PathIn(project)));
    }
}
