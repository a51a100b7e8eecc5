using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Server;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.ControlPlane;

/// <summary><c>dotnet nixdeploy status|rollback --server</c> where no control plane answers: the coded errors and exit codes, in text and --json.</summary>
public sealed class ControlPlaneToolTests : IDisposable
{
    private const string Secret = "nd-tool-token-Secr3t";
    private readonly string _folder = TestRunDirectory.CreateFolder("control-plane-tool");

    [Fact]
    public async Task Status_and_rollback_through_an_absent_server_exit_1_with_ND8043_and_a_bad_token_setting_exits_2()
    {
        var server = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var tokenFile = Path.Combine(_folder, "read.token");
        File.WriteAllText(tokenFile, Secret + "\n");

        var status = await InstalledTool.RunAsync(_folder, "status", "--server", server, "--token-file", "read.token");
        var statusJson = await InstalledTool.RunAsync(_folder, "status", "--server", server, "--token-file", tokenFile, "--json");
        var rollback = await InstalledTool.RunAsync(_folder, "rollback", "web-1", "--server", server, "--token-file", tokenFile, "--json");
        var noToken = await InstalledTool.RunAsync(_folder, "status", "--server", server, "--token-env", "ND_TEST_TOKEN_NOT_SET", "--json");
        var badUrl = await InstalledTool.RunAsync(_folder, "status", "--server", "deploy.example.org", "--token-file", tokenFile);

        Assert.Equal(1, status.ExitCode);
        Assert.Contains($"{ErrorCodes.ControlPlaneUnreachable}:", status.StandardError);
        Assert.Contains(server, status.StandardError);
        Assert.Equal((1, ErrorCodes.ControlPlaneUnreachable), (statusJson.ExitCode, Codes(statusJson).Single()));
        Assert.Equal(1, rollback.ExitCode);
        var row = Assert.Single(JsonDocument.Parse(rollback.StandardOutput).RootElement.EnumerateArray());
        Assert.Equal(("web-1", false, ErrorCodes.ControlPlaneUnreachable),
            (row.GetProperty("machine").GetString(), row.GetProperty("rolledBack").GetBoolean(), row.GetProperty("errorCode").GetString()));
        Assert.Equal((2, ErrorCodes.ControlPlaneTokenUnreadable), (noToken.ExitCode, Codes(noToken).Single()));
        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains($"{ErrorCodes.InvalidControlPlaneUrl}:", badUrl.StandardError);
        foreach (var result in new[] { status, statusJson, rollback, noToken, badUrl })
            Assert.DoesNotContain(Secret, result.All);
    }

    private static IEnumerable<string> Codes(ToolResult result) =>
        JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("code").GetString()!);

    public void Dispose() => TestRunDirectory.Remove(_folder);
}
