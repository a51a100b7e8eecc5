using System.Collections.Concurrent;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// Wakes the pull agents' long-polls when a deployment names their machine: one task per machine that waiters await
/// (no thread is held per waiting agent), completed and replaced on each notification.
/// </summary>
public sealed class MachineSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes on the machine's next notification. Take it before reading the desired state, so a deployment that
    /// arrives in between is not missed.
    /// </summary>
    public Task Next(string machine) =>
        _waiting.GetOrAdd(machine, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(IEnumerable<string> machines)
    {
        foreach (var machine in machines)
        {
            if (_waiting.TryRemove(machine, out var waiting))
                waiting.TrySetResult();
        }
    }
}
