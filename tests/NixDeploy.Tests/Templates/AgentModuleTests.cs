using System.Text.RegularExpressions;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Templates;

/// <summary>
/// The template's NixOS module for the pull agent (modules/nixdeploy-agent.nix), in a fleet from `dotnet new nixfleet`
/// built with real nix on the nixpkgs stand-in: its unit runs the SDK's host programs and passes `systemd-analyze verify`.
/// </summary>
public sealed partial class AgentModuleTests
{
    private const string Unit = "etc/systemd/system/nixdeploy-agent.service";

    [Fact]
    public async Task The_enabled_module_runs_the_host_programs_in_a_unit_that_systemd_analyze_verifies()
    {
        var folder = TestRunDirectory.CreateFolder("agent-module");
        var fleet = Path.Combine(folder, "fleet");
        await NewFleet.CreateAsync(fleet, "", "--machines", "laptop-1,web-1");
        await NewFleet.EditMachineAsync(fleet, "laptop-1",
            "{ profile = defaultProfile; modules = [ { services.nixdeploy-agent = { enable = true; server = \"https://deploy.example.org:5001\"; }; } ]; }");

        var closures = await NewFleet.BuildClosuresAsync(folder, fleet);

        var unit = Path.Combine(closures["laptop-1"], Unit);
        var text = File.ReadAllText(unit);
        var execStart = ExecStart().Match(text);
        Assert.True(execStart.Success, text);
        var programs = execStart.Groups["programs"].Value;
        Assert.Equal(programs, execStart.Groups["folder"].Value);
        // The machine's name defaults to its host name, the token file to the agent's state directory.
        Assert.Contains("\"https://deploy.example.org:5001\" \"laptop-1\" \"/var/lib/nixdeploy-agent/token\"", text);
        foreach (var (program, file) in new[] { ("pull-agent", "pull-agent"), ("agent", "agent"), ("watchdog", "watchdog") })
            Assert.Equal(Host("lib") + Host(file), File.ReadAllText(Path.Combine(programs, program)));
        foreach (var line in new[] { "X-RestartIfChanged=false", "KillMode=process", "Restart=always", "StateDirectory=nixdeploy-agent", "UMask=0077" })
            Assert.Contains(line, text);
        var path = Regex.Match(text, "Environment=\"PATH=([^\"]*)\"").Groups[1].Value;
        foreach (var program in new[] { "curl", "nix-store", "flock", "setsid" })
            Assert.True(path.Split(':').Any(directory => File.Exists(Path.Combine(directory, program))), $"{program} is not on the unit's PATH {path}");
        await ModuleAssertions.AssertUnitVerifiesAsync(closures["laptop-1"], "nixdeploy-agent.service");
        // A machine that does not enable it has no unit.
        Assert.False(File.Exists(Path.Combine(closures["web-1"], Unit)));
        TestRunDirectory.Remove(folder);
    }

    [Theory]
    [InlineData("{ services.nixdeploy-agent.enable = true; }",
        "services.nixdeploy-agent.server is not set: set it to the control plane's URL")]
    [InlineData("{ services.nixdeploy-agent = { enable = true; server = \"https://deploy.example.org\"; tokenFile = \"/nix/store/00000000000000000000000000000000-token\"; }; }",
        "services.nixdeploy-agent.tokenFile is in the Nix store, which every user can read")]
    public Task A_misconfigured_agent_fails_the_build_naming_the_option(string module, string message) =>
        ModuleAssertions.AssertMachineFailsAsync("agent-module-bad", "laptop-1", $"{{ profile = defaultProfile; modules = [ {module} ]; }}", message);

    private static string Host(string program) =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tasks", "NixDeploy.Core", "Host", program + ".sh"));

    [GeneratedRegex("""ExecStart=/bin/sh "(?<programs>/nix/store/[a-z0-9]{32}-nixdeploy-host-programs)/pull-agent" "[^"]*" "[^"]*" "[^"]*" "(?<folder>[^"]*)"\n""")]
    private static partial Regex ExecStart();
}
