using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Templates;

/// <summary>
/// The template's NixOS module for the control plane (modules/nixdeploy-server.nix), in a fleet from `dotnet new
/// nixfleet` built with real nix on the nixpkgs stand-in: the unit it generates passes `systemd-analyze verify`.
/// </summary>
public sealed class ServerModuleTests
{
    private const string Unit = "etc/systemd/system/nixdeploy-server.service";

    // Stands for the NixDeploy.Tool package: verify checks that ExecStart's program exists and is executable.
    private const string Enabled =
        "{ profile = defaultProfile; modules = [ ({ pkgs, ... }: { services.nixdeploy-server = { enable = true; urls = \"http://127.0.0.1:5081\"; package = pkgs.writeShellScriptBin \"dotnet-nixdeploy\" \"exec dotnet nixdeploy \\\"$@\\\"\"; }; }) ]; }";

    [Fact]
    public async Task The_enabled_module_generates_a_hardened_unit_that_systemd_analyze_verifies()
    {
        var folder = TestRunDirectory.CreateFolder("server-module");
        var fleet = Path.Combine(folder, "fleet");
        await NewFleet.CreateAsync(fleet, "", "--machines", "control,web-1");
        await NewFleet.EditMachineAsync(fleet, "control", Enabled);

        var closures = await NewFleet.BuildClosuresAsync(folder, fleet);

        var unit = Path.Combine(closures["control"], Unit);
        var text = File.ReadAllText(unit);
        Assert.Matches("""ExecStart="/nix/store/[a-z0-9]{32}-dotnet-nixdeploy/bin/dotnet-nixdeploy" serve --data "/var/lib/nixdeploy-server" --urls "http://127.0.0.1:5081"\n""", text);
        foreach (var line in new[] { "User=nixdeploy", "StateDirectory=nixdeploy-server", "Restart=on-failure", "NoNewPrivileges=true", "ProtectSystem=strict", "PrivateTmp=true", "CapabilityBoundingSet=\n" })
            Assert.Contains(line, text);
        await ModuleAssertions.AssertUnitVerifiesAsync(closures["control"], "nixdeploy-server.service");
        // A machine that does not enable it has no unit.
        Assert.False(File.Exists(Path.Combine(closures["web-1"], Unit)));
        TestRunDirectory.Remove(folder);
    }

    [Theory]
    [InlineData("{ profile = defaultProfile; modules = [ { services.nixdeploy-server.enable = true; } ]; }",
        "services.nixdeploy-server.package is not set: set it to the NixDeploy.Tool package")]
    [InlineData("{ profile = defaultProfile; modules = [ { services.nixdeploy-server.urls = 5080; } ]; }",
        "option `services.nixdeploy-server.urls` must be a string, not 5080")]
    public Task A_misconfigured_server_fails_the_build_naming_the_option(string machine, string message) =>
        ModuleAssertions.AssertMachineFailsAsync("server-module-bad", "control", machine, message);
}
