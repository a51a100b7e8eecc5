using System.Collections.Concurrent;
using NixDeploy.ControlPlane;
using NixDeploy.Manifest;
using NixDeploy.Server.Store;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// What the pull agents ask of the control plane: their machine's desired state (waiting, without a thread, until a
/// newer deployment than the one they know names it), their step reports and their confirmation.
/// </summary>
public sealed class PullAgents(IControlPlaneStore store, DataDirectory data, MachineSignals signals, TimeProvider time)
{
    /// <summary>The longest an agent's request is held (a proxy's idle timeout is often 5 minutes or more).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(300);

    // Every agent asks for the same few documents after a deployment: each is read once.
    private readonly ConcurrentDictionary<string, Lazy<DeploymentManifest>> _documents = new(StringComparer.Ordinal);

    /// <summary>
    /// The machine's desired state, or null when no deployment names it. When it is <paramref name="known"/>, the answer
    /// waits up to <paramref name="wait"/> for a newer one; still <paramref name="known"/> then, <see cref="Unchanged"/>.
    /// </summary>
    public async Task<DesiredAnswer> DesiredAsync(string machine, string? known, TimeSpan wait, string cacheUrl, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + (wait > MaxWait ? MaxWait : wait);
        while (true)
        {
            // Taken before the store is read, so a deployment stored in between wakes this request.
            var next = signals.Next(machine);
            if (store.DesiredRolloutOf(machine) is not { Closure: not null } desired)
                return new DesiredAnswer(null, false);
            var left = deadline - time.GetUtcNow();
            if (desired.DeploymentId != known)
                return new DesiredAnswer(State(machine, desired, cacheUrl), false);
            if (left <= TimeSpan.Zero)
                return new DesiredAnswer(null, true);
            using (var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                await Task.WhenAny(next, Task.Delay(left, time, delay.Token));
                // The timer goes with the request it was for.
                await delay.CancelAsync();
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The control plane's cache at <paramref name="cacheUrl"/> with the fleet's key as the newest deployment has it.</summary>
    public MachineSubstituter OwnCache(string cacheUrl) =>
        store.NewestDeployment() is { } newest ? Substituters(Document(newest.Id), cacheUrl)[0] : new MachineSubstituter(cacheUrl, null);

    public bool Report(string machine, MachineStepReport report) => store.RecordAgentReport(machine, report, time.GetUtcNow());

    public ConfirmationResult Confirm(string machine, string deploymentId) => store.Confirm(machine, deploymentId, time.GetUtcNow());

    private MachineDesiredState State(string machine, DesiredRollout desired, string cacheUrl)
    {
        var manifest = Document(desired.DeploymentId);
        var settings = RolloutSettings.For(manifest, new SshOptions(null, null));
        var checks = manifest.Blueprint[machine].Deployment.HealthChecks.Where(check => check.Enabled && check.Command is not null).ToList();
        return new MachineDesiredState(desired.DeploymentId, machine, desired.Closure!, Substituters(manifest, cacheUrl), checks,
            settings.ActivationTimeoutSeconds, settings.ConfirmTimeoutSeconds);
    }

    /// <summary>The control plane's own cache first, then the deployment's caches, each with its key.</summary>
    private static List<MachineSubstituter> Substituters(DeploymentManifest manifest, string cacheUrl)
    {
        var caches = (manifest.Caches ?? new Dictionary<string, DeploymentCache>()).Values.ToList();
        // The control plane's cache holds what CI pushed, signed with the fleet's key: the key of the deployment's entry
        // for this cache, else of its first cache with one.
        var fleetKey = caches.FirstOrDefault(cache => SameUrl(cache.Url, cacheUrl))?.PublicKey ?? caches.Select(cache => cache.PublicKey).FirstOrDefault(key => key is not null);
        var substituters = new List<MachineSubstituter> { new(cacheUrl, fleetKey) };
        substituters.AddRange(caches.Where(cache => !SameUrl(cache.Url, cacheUrl)).Select(cache => new MachineSubstituter(cache.Url, cache.PublicKey)));
        return substituters;
    }

    private DeploymentManifest Document(string deploymentId)
    {
        // A handful of deployments are asked for at once; older ones are dropped rather than kept for months.
        if (_documents.Count > 16)
            _documents.Clear();
        return _documents.GetOrAdd(deploymentId, id => new Lazy<DeploymentManifest>(() => ManifestFile.ReadBuilt(data.Document(id)))).Value;
    }

    private static bool SameUrl(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}

/// <summary>The answer to a desired-state request: the state, or nothing (no deployment names the machine, or <see cref="Unchanged"/> after the wait).</summary>
public sealed record DesiredAnswer(MachineDesiredState? State, bool Unchanged);
