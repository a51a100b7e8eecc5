using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Spine;

/// <summary>Reads what a build wrote, as JSON, for assertions.</summary>
internal static class Manifests
{
    public static string PathIn(TestProject project) => project.PathOf("bin/nixdeploy/deployment.json");

    public static JsonObject Read(TestProject project) =>
        JsonNode.Parse(File.ReadAllText(PathIn(project)))!.AsObject();

    public static Dictionary<string, string> Closures(JsonObject manifest) =>
        manifest["closures"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    public static Dictionary<string, string> Changes(JsonObject manifest) =>
        manifest["changes"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    public static async Task<string> GitHeadAsync(string directory) =>
        (await Cli.Wrap("git").WithArguments(["-C", directory, "rev-parse", "HEAD"]).ExecuteBufferedAsync()).StandardOutput.Trim();

    /// <summary>True when the build log shows a nix command run by the SDK.</summary>
    public static bool RanNix(BuildResult result) => result.DetailedLog.Contains("NixDeploy: running nix ", StringComparison.Ordinal);
}
