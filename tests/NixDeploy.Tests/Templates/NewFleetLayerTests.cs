using System.Text.Json.Nodes;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Templates;

/// <summary>The scaffolded fleet's configuration layers: each overrides only what it sets.</summary>
public sealed class NewFleetLayerTests
{
    [Fact]
    public async Task An_override_of_the_address_alone_keeps_the_ssh_user_from_machines_nix()
    {
        var folder = TestRunDirectory.CreateFolder("new-fleet-layers");
        var fleet = Path.Combine(folder, "fleet");
        await NewFleet.CreateAsync(fleet, """
              <ItemGroup>
                <NixDeployMachineOverride Include="web-1" Addr="127.0.0.201" />
              </ItemGroup>
            """, "--machines", "web-1,web-2");
        await NewFleet.EditMachineAsync(fleet, "web-1", "{ profile = defaultProfile; sshUser = \"deploy\"; }");

        var result = await new DotnetBuild(Path.Combine(fleet, "fleet.nixdeploy"), Path.Combine(folder, "logs"))
            .WithTargets("EvaluateBlueprint").WithArgument("-getItem:NixDeployMachine").WithVerbosity("q").MsbuildAsync();

        result.AssertSucceeded();
        var machines = JsonNode.Parse(result.StandardOutput)!["Items"]!["NixDeployMachine"]!.AsArray()
            .ToDictionary(m => m!["Identity"]!.GetValue<string>(), m => m!);
        Assert.Equal("127.0.0.201", machines["web-1"]["Addr"]!.GetValue<string>());
        Assert.Equal("deploy", machines["web-1"]["SshUser"]!.GetValue<string>());
        Assert.Equal("root", machines["web-2"]["SshUser"]!.GetValue<string>());
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public async Task A_machine_added_under_a_name_the_fleet_has_is_an_error_naming_both_files()
    {
        var folder = TestRunDirectory.CreateFolder("new-fleet-twice");
        var fleet = Path.Combine(folder, "fleet");
        await NewFleet.CreateAsync(fleet, "", "--machines", "web-1,web-2");
        await NewFleet.AddMachineAsync(fleet, "web-1", "127.0.0.202");

        Assert.Contains("machine 'web-1' is defined twice, in machines.nix and in machines/web-1.nix", await EvaluationErrorAsync(folder, fleet));
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public async Task Machine_names_that_are_no_host_names_are_kept_as_typed_and_refused_by_name()
    {
        var folder = TestRunDirectory.CreateFolder("new-fleet-names");
        var fleet = Path.Combine(folder, "fleet");
        await NewFleet.CreateAsync(fleet, "", "--machines", " web_1 ,Web 2");

        Assert.Contains("\"Web 2\" = { profile = defaultProfile; };", File.ReadAllText(Path.Combine(fleet, "machines.nix")));
        Assert.Contains("machine name(s) 'Web 2', 'web_1' cannot be reached as host names", await EvaluationErrorAsync(folder, fleet));
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public async Task A_machine_file_git_does_not_track_gets_a_warning_saying_to_add_it()
    {
        var folder = TestRunDirectory.CreateFolder("new-fleet-untracked");
        var fleet = Path.Combine(folder, "fleet");
        await NewFleet.CreateAsync(fleet, "", "--machines", "web-1");
        await NewFleet.AddMachineAsync(fleet, "web-3", "127.0.0.203", commit: false);
        var build = new DotnetBuild(Path.Combine(fleet, "fleet.nixdeploy"), Path.Combine(folder, "logs"))
            .WithTargets("EvaluateBlueprint").WithArgument("-getItem:NixDeployMachine").WithVerbosity("m");

        var untracked = await build.MsbuildAsync();

        untracked.AssertSucceeded();
        var warning = Assert.Single(untracked.Warnings, w => w.Code == "ND1150");
        Assert.Equal(Path.Combine(fleet, "machines", "web-3.nix"), warning.File);
        Assert.Contains("git add machines/web-3.nix", warning.Message);

        await GitRepository.CommitAllAsync(fleet, "git add machines/web-3.nix");
        var tracked = await build.MsbuildAsync();

        tracked.AssertSucceeded();
        Assert.DoesNotContain(tracked.Warnings, w => w.Code == "ND1150");
        Assert.Contains("\"Identity\": \"web-3\"", tracked.StandardOutput);
        TestRunDirectory.Remove(folder);
    }

    /// <summary>EvaluateBlueprint fails with ND1101; its message (Nix's, which the console splits into lines), rejoined.</summary>
    private static async Task<string> EvaluationErrorAsync(string folder, string fleet)
    {
        var result = await new DotnetBuild(Path.Combine(fleet, "fleet.nixdeploy"), Path.Combine(folder, "logs"))
            .WithTargets("EvaluateBlueprint").BuildAsync();
        result.AssertFailed();
        Assert.All(result.Errors, error => Assert.Equal("ND1101", error.Code));
        return string.Join('\n', result.Errors.Select(error => error.Message));
    }
}
