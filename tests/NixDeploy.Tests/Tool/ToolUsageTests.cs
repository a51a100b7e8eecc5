using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>The installed tool answers bad command lines and a missing project with usage errors and exit code 2, never a stack trace.</summary>
public sealed class ToolUsageTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("deploy", "--parallel", "0")]
    [InlineData("deploy", "--parallel", "many")]
    [InlineData("deploy", "--on-failure", "stop")]
    [InlineData("deploy", "--confirm-timeout", "0")]
    [InlineData("push", "--on-failure", "halt")]
    [InlineData("build", "--build-on", "elsewhere")]
    [InlineData("push", "--build-on", "target")]
    [InlineData("rollback")]
    [InlineData("cache", "keygen")]
    public async Task Bad_command_lines_are_usage_errors(params string[] arguments)
    {
        var folder = TestRunDirectory.CreateFolder("tool-usage");
        var result = await InstalledTool.RunAsync(folder, arguments);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error:", result.StandardError);
        Assert.Contains("--help", result.StandardError);
        Assert.DoesNotContain("   at ", result.All);
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public async Task A_folder_without_a_project_is_a_coded_error_also_in_json()
    {
        var folder = TestRunDirectory.CreateFolder("tool-no-project");
        var result = await InstalledTool.RunAsync(folder, "status", "--json");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error ND7001:", result.StandardError);
        var document = System.Text.Json.JsonDocument.Parse(result.StandardOutput).RootElement;
        Assert.Equal(2, document.GetProperty("exitCode").GetInt32());
        Assert.Equal("ND7001", document.GetProperty("diagnostics")[0].GetProperty("code").GetString());
        TestRunDirectory.Remove(folder);
    }

    [Theory]
    [InlineData("status", "--on", "@server")]
    [InlineData("deploy", "--on", "@web")]
    public async Task An_at_sign_selection_is_a_label_not_a_response_file(params string[] arguments)
    {
        var folder = TestRunDirectory.CreateFolder("tool-at-label");
        var result = await InstalledTool.RunAsync(folder, arguments);
        // It gets as far as looking for the project: the command line itself was accepted.
        Assert.DoesNotContain("Response file", result.All);
        Assert.Contains("error ND7001:", result.StandardError);
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await InstalledTool.RunAsync(TestRunDirectory.Root, "--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "eval", "build", "push", "deploy", "plan", "status", "rollback", "cache", "serve", "builds" })
            Assert.Contains($"  {command}", result.StandardOutput);
    }
}
