using System.Text.RegularExpressions;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Cache;

/// <summary>One-machine fleet projects with NixDeployCache items, and what tests read from a push's log.</summary>
public static partial class CacheProjects
{
    public static Task<TestProject> CreateAsync(string name, Action<ProjectXmlBuilder> caches, TestFleet? fleet = null) =>
        (fleet ?? new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web")).Project(name, caches).CreateAsync();

    /// <summary>A fresh signing key in <paramref name="folder"/>.</summary>
    public static Task<(string SecretKeyFile, string PublicKey)> KeyAsync(string folder) => CacheNix.GenerateKeyAsync(folder, "test-cache-1");

    public static ProjectXmlBuilder Cache(this ProjectXmlBuilder project, string name, params (string Key, string Value)[] metadata) =>
        project.Item("NixDeployCache", name, metadata.ToDictionary(pair => pair.Key, pair => pair.Value));

    public static DotnetBuild Push(TestProject project) =>
        project.Dotnet().WithTargets("PushCache").WithEnvironment(NixEnvironment.Variables);

    /// <summary>The counts of "NixDeploy: cache NAME (...): uploaded N path(s), ...; M already present".</summary>
    public static (int Uploaded, int Present) Counts(BuildResult result, string cache)
    {
        var match = Summary().Matches(result.StandardOutput).FirstOrDefault(m => m.Groups["name"].Value == cache)
            ?? throw new Xunit.Sdk.XunitException($"No push summary for cache '{cache}'.\n{result}");
        return (int.Parse(match.Groups["uploaded"].Value), int.Parse(match.Groups["present"].Value));
    }

    /// <summary>Whether the push itself ran (and not only its up-to-date check).</summary>
    /// <summary>Whether the build ran a push's <c>nix --log-format internal-json … copy</c> (the log's rendering of its command line).</summary>
    public static bool Copied(BuildResult result) =>
        result.DetailedLog.Split('\n').Any(line => line.Contains("--log-format internal-json", StringComparison.Ordinal) && line.Contains(" copy ", StringComparison.Ordinal));

    public static string Closure(TestProject project) => Spine.Manifests.Closures(Spine.Manifests.Read(project))["web-1"];

    [GeneratedRegex(@"NixDeploy: cache '(?<name>[^']+)' \([^)]*\): uploaded (?<uploaded>\d+) path\(s\), [^;]*; (?<present>\d+) already present")]
    private static partial Regex Summary();
}
