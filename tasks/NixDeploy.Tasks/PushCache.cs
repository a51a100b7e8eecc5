using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Build.Framework;
using NixDeploy.Cache;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.IO;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Pipeline;
using NixDeploy.Progress;
using TaskItem = Microsoft.Build.Utilities.TaskItem;

namespace NixDeploy.Tasks;

/// <summary>
/// Uploads deployment.json's closures to every <c>NixDeployCache</c>, signed, skipping what a cache already has.
/// A cache that still fails after the retries is an error when Required, otherwise a warning (ND4005).
/// </summary>
public sealed class PushCache : NixDeployTask
{
    [Required] public string ManifestFile { get; set; } = "";

    public ITaskItem[] Caches { get; set; } = [];

    /// <summary>Hostnames of cache servers (; or , separated): on those, nothing is pushed.</summary>
    public string? ServerHostnames { get; set; }

    public string? RetryCount { get; set; }

    /// <summary>Milliseconds before the first retry; doubled for each next one.</summary>
    public string? RetryDelay { get; set; }

    public string? NixExecutable { get; set; }

    /// <summary>$(NixDeployBuildOn): with target, closures the local store lacks are first copied back from their hosts.</summary>
    public string? BuildOn { get; set; }

    // With NixDeployBuildOn=target the push reaches every host as Deploy does, with the same settings.
    public string? SshIdentityFile { get; set; }

    public string? SshKnownHostsFile { get; set; }

    public string? StrictHostKeyChecking { get; set; }

    public string? Parallelism { get; set; }

    /// <summary>@(_NixDeploySettingLayer): the files that can set the settings above, for their errors.</summary>
    public ITaskItem[] SettingLayers { get; set; } = [];

    /// <summary>NixDeployDryRun: only ask each cache what it lacks and say what would be uploaded; upload nothing.</summary>
    public string? DryRun { get; set; }

    /// <summary>NixDeployProgressFile: each cache pushed to, how far its upload got, and its result (the tool's live view).</summary>
    public string? ProgressFile { get; set; }

    /// <summary>Where the closures' listing is remembered between pushes (obj/).</summary>
    public string? ClosureListFile { get; set; }

    /// <summary>Where push-report.json goes: every cache's outcome, with <see cref="RunId"/>.</summary>
    [Required] public string ReportFile { get; set; } = "";

    /// <summary>$(NixDeployRunId): the id of this build, written into the report so a reader knows it is this run's.</summary>
    [Required] public string RunId { get; set; } = "";

    /// <summary>Every cache with metadata Status (pushed, read-only, failed, skipped; would-push in a dry run), UploadedPaths, UploadedBytes, PresentPaths.</summary>
    [Output] public ITaskItem[] PushedCaches { get; private set; } = [];

    /// <summary>
    /// Touched when every writable cache holds the closures now (or this host is a cache server): only a complete push
    /// is up to date, so after an optional cache failed the next build tries it again. Written here rather than by a
    /// Touch task because the push's own time is measured against one bare <c>nix copy</c> (bench/push).
    /// </summary>
    public string? StampFile { get; set; }

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var project = ProjectFile;
        var layers = SettingLayerItems.Read(project, SettingLayers);
        var caches = PushCacheItems.Parse(Caches, project);
        var retry = new RetryPolicy(
            SettingValues.Integer(RetryCount, RetryPolicy.DefaultRetries, "NixDeployCacheRetryCount", layers, ErrorCodes.InvalidCacheSetting),
            TimeSpan.FromMilliseconds(SettingValues.Integer(RetryDelay, RetryPolicy.DefaultBaseDelayMilliseconds, "NixDeployCacheRetryDelay", layers, ErrorCodes.InvalidCacheSetting)))
            .Validate("NixDeployCacheRetryCount", "NixDeployCacheRetryDelay", layers);
        var dryRun = SettingValues.Boolean(DryRun, false, "NixDeployDryRun", layers);
        var roots = ManifestClosures.Read(ManifestFile);
        var runner = CreateRunner();
        var nix = new NixCli(runner, NixOptionsFactory.Create(NixExecutable, null));
        if (BuildLocations.Parse(BuildOn, layers) == BuildLocation.Target && caches.Any(cache => cache.Push)
            && await FetchFromHostsAsync(nix, layers, cancellationToken) is { Count: > 0 } unreachable)
        {
            // Nothing is pushed, so no report and no stamp claim a push.
            foreach (var failure in unreachable)
                LogError(failure);
            return;
        }
        var (planner, http) = dryRun ? DryRunPlanner(nix) : default;
        using var _ = http;

        // The live view shows each cache that is pushed to as a row of its own.
        var progress = new ProgressWriter(dryRun ? null : ProgressFile);
        foreach (var cache in caches.Where(cache => cache.Push))
            progress.Step(ProgressRow(cache), "push");
        var results = await new CachePushRun(nix, runner, retry, runner.Log, planner)
            .PushAsync(caches, roots, CacheServerHostnames.Split(ServerHostnames), "NixDeployCacheServerHostnames", project, cancellationToken,
                string.IsNullOrEmpty(ClosureListFile) ? null : ClosureListFile,
                progress.Enabled ? (cache, activity) => progress.Detail(ProgressRow(cache), "push", activity.Describe()) : null);
        foreach (var result in results.Where(result => result.Cache.Push))
            progress.Finished(ProgressRow(result.Cache), result.Status.ToReportName());
        foreach (var result in results)
        {
            Log.LogMessage(MessageImportance.High, "NixDeploy: cache {0}: {1}", result.Cache, result.Summary);
            foreach (var path in result.WouldUpload)
                Log.LogMessage(MessageImportance.High, "NixDeploy: cache {0} would upload {1} ({2})", result.Cache, path.Path, ByteCount.Text(path.NarSize));
            if (result.Status != CachePushStatus.Failed)
                continue;
            var message = $"{(dryRun ? "Asking" : "Pushing to")} NixDeployCache {result.Cache}{(dryRun ? " what it lacks" : "")} failed{(result.Cache.Required ? "" : "; the build goes on without it (set Required=\"true\" to make this an error)")}: {result.Error}";
            if (result.Cache.Required)
                LogError(new Diagnostic(ErrorCodes.CachePushFailed, message, project));
            else
                Log.LogWarning(null, ErrorCodes.CachePushFailed, null, project, 0, 0, 0, 0, message);
        }
        var report = PushReport.Of(RunId, dryRun, caches, results);
        PushReportWriter.Write(ReportFile, report);
        // A dry run pushed nothing: the next push must not be taken for up to date.
        if (!dryRun && !string.IsNullOrEmpty(StampFile) && results.All(result => result.Status != CachePushStatus.Failed))
            AtomicFile.Touch(StampFile);
        PushedCaches = report.Caches.Select(Item).ToArray();
    }

    /// <summary>
    /// Only a dry run asks caches over HTTP itself. Not inlined: even naming HttpClient in <see cref="ExecuteAsync"/>
    /// loaded the HTTP stack for every push, which costs a real push measurable time (bench/push).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (CacheUploadPlanner? Planner, IDisposable? Http) DryRunPlanner(NixCli nix)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return (new CacheUploadPlanner(nix, new CacheInfoProbe(http)), http);
    }

    private Task<IReadOnlyList<Diagnostic>> FetchFromHostsAsync(NixCli nix, SettingLayers layers, CancellationToken cancellationToken)
    {
        var settings = new DeploySettingsText(SshIdentityFile, SshKnownHostsFile, StrictHostKeyChecking, null, Parallelism, null, null, null, null).Parse(ProjectFile, layers);
        return new HostBuiltClosureFetch(nix, settings.Ssh, settings.Parallelism).FetchAsync(NixDeploy.Manifest.ManifestFile.ReadBuilt(ManifestFile), ProjectFile, cancellationToken);
    }

    private static string ProgressRow(CacheDefinition cache) => $"cache {cache.Name}";

    private static ITaskItem Item(CachePushReport cache)
    {
        var item = new TaskItem(cache.Name);
        item.SetMetadata("Status", cache.Status.ToReportName());
        item.SetMetadata("UploadedPaths", cache.UploadedPaths.ToString(CultureInfo.InvariantCulture));
        item.SetMetadata("UploadedBytes", cache.UploadedBytes.ToString(CultureInfo.InvariantCulture));
        item.SetMetadata("PresentPaths", cache.PresentPaths.ToString(CultureInfo.InvariantCulture));
        return item;
    }
}
