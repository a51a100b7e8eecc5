using System.Text.Json;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>The SDK's errors as the tool shows them: each once, in text and in --json.</summary>
public sealed class ToolDiagnosticsTests
{
    [Fact]
    public async Task An_sdk_error_is_shown_once()
    {
        using var project = await new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web").Project("once").CreateAsync();

        var text = await InstalledTool.RunAsync(project.Directory, "build", "--on", "nope");
        var json = await InstalledTool.RunAsync(project.Directory, "build", "--on", "nope", "--json");

        Assert.True(text.ExitCode != 0, text.ToString());
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text.All, "matches no machine"));
        var diagnostics = JsonDocument.Parse(json.StandardOutput).RootElement.GetProperty("diagnostics").EnumerateArray().ToList();
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("ND1112", diagnostic.GetProperty("code").GetString());
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(diagnostic.GetProperty("message").GetString()!, "matches no machine"));
    }
}
