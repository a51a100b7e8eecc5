using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Templates;

namespace NixDeploy.Tests.Ide;

/// <summary>
/// Blueprint errors carry the file, line and column where Nix says the value is defined, in MSBuild's canonical
/// format, so an IDE's error list and CI log viewers link to the line to fix: the flake folder's own file, never
/// its copy in the Nix store.
/// </summary>
public sealed class ErrorPositionTests
{
    [Fact]
    public async Task Each_blueprint_error_points_at_the_line_and_column_of_its_value()
    {
        using var project = await new TestFleet()
            .Machine("web-1", "127.0.0.11", 2222, "web")
            .Machine("web-2", "127.0.0.12", 2222, "web")
            .Blueprint("""
                { machines }: {
                  web-1 = {
                    deployment = {
                      addr = "127.0.0.11";
                      autoRolback = false;
                      sshPort = 70000;
                    };
                  };
                  web-2 = {
                    role = "web";
                  };
                }
                """)
            .Project("positions").CreateAsync();

        var result = await project.Dotnet().WithTargets("EvaluateBlueprint").BuildAsync();

        result.AssertFailed();
        var blueprint = project.PathOf("blueprint.nix");
        Assert.Contains(result.Errors, e => e is { Code: "ND1120", Line: 5, Column: 7 } && e.File == blueprint && e.Message.Contains("autoRolback"));
        Assert.Contains(result.Errors, e => e is { Code: "ND1111", Line: 6, Column: 7 } && e.File == blueprint && e.Message.Contains("sshPort"));
        // A missing field has no position of its own: its machine's is the place to add it.
        Assert.Contains(result.Errors, e => e is { Code: "ND1103", Line: 9, Column: 3 } && e.File == blueprint && e.Message.Contains("deployment"));
        Assert.Contains($"{blueprint}(5,7): error ND1120:", result.StandardOutput);
    }

    [Fact]
    public async Task In_a_new_fleet_an_error_points_into_the_machines_own_file()
    {
        var folder = TestRunDirectory.CreateFolder("positions-template");
        var fleet = Path.Combine(folder, "fleet");
        await NewFleet.CreateAsync(fleet, "", "--machines", "web-1");
        await NewFleet.AddMachineAsync(fleet, "db-1", "10.0.0.5 x");

        var result = await new DotnetBuild(Path.Combine(fleet, "fleet.nixdeploy"), Path.Combine(folder, "logs"))
            .WithTargets("EvaluateBlueprint").BuildAsync();

        result.AssertFailed();
        var error = Assert.Single(result.Errors);
        Assert.Equal("ND1109", error.Code);
        Assert.Equal(Path.Combine(fleet, "machines", "db-1.nix"), error.File);
        var line = File.ReadAllLines(error.File!)[error.Line!.Value - 1];
        Assert.Equal("addr = \"10.0.0.5 x\";", line[(error.Column!.Value - 1)..].Trim());
        TestRunDirectory.Remove(folder);
    }
}
