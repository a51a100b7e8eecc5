using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Templates;

/// <summary>
/// `dotnet new nixfleet` and `dotnet new nixmachine` from the packed template package produce exactly the checked-in
/// tree under Templates/Expected (each file stored with an extra ".expected", so its .gitignore, global.json and
/// Directory.Build.props stay inert in this repository).
/// </summary>
public sealed class TemplateTreeTests
{
    private static string Expected => Path.Combine(RepositoryRoot.Path, "tests", "NixDeploy.Tests", "Templates", "Expected", "laptop-fleet");

    [Fact]
    public async Task Nixfleet_and_nixmachine_produce_the_expected_tree()
    {
        var folder = TestRunDirectory.CreateFolder("template-tree");
        var fleet = Path.Combine(folder, "fleet");
        var created = await TemplateHive.NewAsync(fleet, "nixfleet", "-n", "fleet", "--machines", "web-1, web-2", "--profile", "laptop", "--cache", "http://127.0.0.1:5000");
        Assert.True(created.ExitCode == 0, created.StandardOutput + created.StandardError);
        Assert.Contains("Flakes only see the files git tracks. In the fleet's folder run: git init && git add -A", created.StandardOutput);
        var added = await TemplateHive.NewAsync(fleet, "nixmachine", "-n", "db-1", "--profile", "server", "--addr", "127.0.0.1");
        Assert.True(added.ExitCode == 0, added.StandardOutput + added.StandardError);

        var actual = Files(fleet, suffix: "");
        var expected = Files(Expected, suffix: ".expected");
        // The pull agent's module ships the host programs as they are in the SDK's core, not as copies kept here.
        foreach (var program in new[] { "lib", "agent", "watchdog", "pull-agent" })
            expected[$"modules/nixdeploy-agent/{program}.sh"] = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tasks", "NixDeploy.Core", "Host", program + ".sh"));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, content) in expected)
            Assert.True(content == actual[path], $"{path} differs from {Expected}/{path}.expected:\n{actual[path]}");
        // The SDK pin is the version this checkout packs.
        Assert.Contains($"\"NixDeploy.Sdk\": \"{SdkFeed.Current.Version}\"", actual["global.json"]);
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public void The_ci_workflow_passes_the_last_uploaded_deployment_back_for_change_detection()
    {
        // The tree test above makes the expected workflow the generated one.
        var workflow = File.ReadAllText(Path.Combine(Expected, ".github", "workflows", "deploy.yml.expected"));
        var uploaded = System.Text.RegularExpressions.Regex.Match(workflow, @"upload-artifact@v\d+\s+if: always\(\)\s+with:\s+name: (\S+)\s+path: bin/nixdeploy/");
        Assert.True(uploaded.Success, workflow);
        Assert.Contains($"gh run download \"$run\" --name {uploaded.Groups[1].Value} --dir \"$RUNNER_TEMP/previous\"", workflow);
        Assert.Contains("-p:NixDeployPreviousManifest=$RUNNER_TEMP/previous/deployment.json", workflow);
        Assert.Contains("dotnet build fleet.nixdeploy -t:Deploy $NIXDEPLOY_PREVIOUS", workflow);
    }

    private static Dictionary<string, string> Files(string root, string suffix) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(root, file)[..^suffix.Length], File.ReadAllText, StringComparer.Ordinal);
}
