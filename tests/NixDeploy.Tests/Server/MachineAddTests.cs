using System.Net;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Server;

/// <summary><c>dotnet nixdeploy machine add</c> against a real control plane: the machine's token, its files and the NixOS snippet.</summary>
public sealed class MachineAddTests
{
    private const string FleetKey = "fleet-1:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=";

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Machine_add_writes_the_token_and_netrc_files_prints_the_agent_snippet_and_never_the_token_unless_asked()
    {
        var data = TestRunDirectory.CreateFolder("machine-add");
        var admin = await ControlPlaneProcess.CreateTokenAsync(data, "admin");
        var adminFile = Path.Combine(data, "..", "machine-add-admin.token");
        File.WriteAllText(adminFile, admin + "\n");
        await using var server = await ControlPlaneProcess.StartAsync(data);
        var url = server.Address.AbsoluteUri.TrimEnd('/');
        // A deployment naming the fleet's key for the server's cache: the snippet trusts that key.
        var document = System.Text.Json.Nodes.JsonNode.Parse(ControlPlaneDocuments.Deployment([("desk-1", ControlPlaneDocuments.PullMachine(), ControlPlaneDocuments.FakeClosureA)]))!;
        document["caches"] = new System.Text.Json.Nodes.JsonObject
        {
            ["cp"] = new System.Text.Json.Nodes.JsonObject { ["url"] = $"{url}/cache", ["publicKey"] = FleetKey, ["useForDeploy"] = true },
        };
        Assert.Equal(HttpStatusCode.Created, (await server.PostAsync("/api/v1/deployments", admin, document.ToJsonString())).Status);
        var output = Path.Combine(data, "..", "laptop-1-agent");

        var added = await InstalledTool.RunAsync(TestRunDirectory.Root, "machine", "add", "laptop-1", "--server", url, "--token-file", adminFile, "--out", output);

        Assert.True(added.ExitCode == 0, added.ToString());
        var token = File.ReadAllText(Path.Combine(output, "token")).Trim();
        Assert.StartsWith("ndt_", token);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(output, "token")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(output, "netrc")));
        Assert.Equal($"machine 127.0.0.1 login nixdeploy password {token}\n", File.ReadAllText(Path.Combine(output, "netrc")));
        Assert.Contains($"nix.settings.substituters = [ \"{url}/cache\" ];", added.StandardOutput);
        Assert.Contains($"nix.settings.trusted-public-keys = [ \"{FleetKey}\" ];", added.StandardOutput);
        Assert.Contains("nix.settings.netrc-file = \"/var/lib/nixdeploy-agent/netrc\";", added.StandardOutput);
        Assert.Contains($$"""
            services.nixdeploy-agent = {
              enable = true;
              server = "{{url}}";
              machine = "laptop-1";
              tokenFile = "/var/lib/nixdeploy-agent/token";
            };
            """, added.StandardOutput);
        Assert.DoesNotContain(token, added.All);
        Assert.DoesNotContain(token, server.Output);
        // The token is laptop-1's: its own desired state (none yet: 404 with its code, not 401), the cache, nothing else.
        var desired = await server.GetAsync("/api/v1/machines/laptop-1/desired", token);
        Assert.True(desired.Status == HttpStatusCode.NotFound && desired.Code == "ND8130", desired.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, (await server.GetAsync("/api/v1/machines/desk-1/desired", token)).Status);

        // The files of an agent are never replaced (it may run with them); nothing is made on the server then.
        var again = await InstalledTool.RunAsync(TestRunDirectory.Root, "machine", "add", "laptop-1", "--server", url, "--token-file", adminFile, "--out", output);
        Assert.True(again.ExitCode == 2 && again.StandardError.Contains("ND8135"), again.ToString());
        Assert.Equal(token, File.ReadAllText(Path.Combine(output, "token")).Trim());

        var shown = await InstalledTool.RunAsync(TestRunDirectory.Root, "machine", "add", "laptop-2", "--server", url, "--token-file", adminFile,
            "--out", Path.Combine(data, "..", "laptop-2-agent"), "--show-token");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var shownToken = File.ReadAllText(Path.Combine(data, "..", "laptop-2-agent", "token")).Trim();
        Assert.Contains($"token: {shownToken}", shown.StandardOutput);
        Assert.DoesNotContain(shownToken, shown.StandardError);
        var tokens = (await server.GetAsync("/api/v1/tokens", admin)).Json.AsArray();
        Assert.Equal(["laptop-1", "laptop-2"], tokens.Select(t => t!["machine"]?.GetValue<string>()).OfType<string>().Order());
    }
}
