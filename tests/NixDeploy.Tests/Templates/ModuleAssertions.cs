using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Templates;

/// <summary>What the tests of the template's NixOS modules (services.nixdeploy-server, services.nixdeploy-agent) check alike.</summary>
public static class ModuleAssertions
{
    /// <summary>The closure's unit <paramref name="service"/> is wanted by multi-user.target and passes <c>systemd-analyze verify</c>.</summary>
    public static async Task AssertUnitVerifiesAsync(string closure, string service)
    {
        var unit = Path.Combine(closure, "etc/systemd/system", service);
        Assert.Equal($"../{service}", new FileInfo(Path.Combine(closure, "etc/systemd/system/multi-user.target.wants", service)).LinkTarget);
        var verified = await Cli.Wrap("systemd-analyze").WithArguments(["verify", unit])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(verified.ExitCode == 0 && verified.StandardOutput == "" && verified.StandardError == "",
            $"systemd-analyze verify {unit} exited {verified.ExitCode}:\n{verified.StandardOutput}{verified.StandardError}\n{File.ReadAllText(unit)}");
    }

    /// <summary>A new fleet whose <paramref name="machine"/> is <paramref name="entry"/> fails to build with ND1101 and Nix's <paramref name="message"/>, writing no deployment.json.</summary>
    public static async Task AssertMachineFailsAsync(string name, string machine, string entry, string message)
    {
        var folder = TestRunDirectory.CreateFolder(name);
        var fleet = Path.Combine(folder, "fleet");
        await NewFleet.CreateAsync(fleet, "", "--machines", machine);
        await NewFleet.EditMachineAsync(fleet, machine, entry);

        var result = await new DotnetBuild(Path.Combine(fleet, "fleet.nixdeploy"), Path.Combine(folder, "logs")).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        // Evaluating the machine's configuration fails: ND1101 with Nix's message.
        Assert.All(result.Errors, error => Assert.Equal("ND1101", error.Code));
        Assert.Contains(message, string.Join('\n', result.Errors.Select(error => error.Message)));
        Assert.False(File.Exists(Path.Combine(fleet, "bin", "nixdeploy", "deployment.json")));
        TestRunDirectory.Remove(folder);
    }
}
