using NixDeploy.ControlPlane;
using NixDeploy.Deploy;
using NixDeploy.Progress;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// Each machine's steps in one engine run: their start times from the engine's progress file as they come (recorded
/// at once, for GET /deployments/{id}), completed with their durations from the run's report at its end.
/// </summary>
public sealed class RolloutTimeline(string progressFile)
{
    private readonly ProgressReader _reader = new(progressFile);
    private readonly Dictionary<string, List<RolloutStep>> _started = new(StringComparer.Ordinal);

    /// <summary>The steps started since the last call.</summary>
    public IReadOnlyList<(string Machine, RolloutStep Step)> ReadNew()
    {
        var steps = new List<(string, RolloutStep)>();
        foreach (var progress in _reader.ReadNew().Where(progress => progress.Step is not null))
        {
            var step = new RolloutStep(progress.Step!, progress.At, null);
            Started(progress.Machine).Add(step);
            steps.Add((progress.Machine, step));
        }
        return steps;
    }

    /// <summary>The machine's steps with their durations; a step the progress missed starts when the one before it ended.</summary>
    public IReadOnlyList<RolloutStep> Complete(string machine, IReadOnlyList<StepDuration> durations, DateTimeOffset fallbackStart)
    {
        var started = Started(machine);
        var steps = new List<RolloutStep>();
        var next = started.Count > 0 ? started[0].StartedAt : fallbackStart;
        for (var i = 0; i < durations.Count; i++)
        {
            var at = i < started.Count ? started[i].StartedAt : next;
            steps.Add(new RolloutStep(durations[i].Step, at, durations[i].Seconds));
            next = at + TimeSpan.FromSeconds(durations[i].Seconds);
        }
        return steps;
    }

    private List<RolloutStep> Started(string machine) =>
        _started.TryGetValue(machine, out var steps) ? steps : _started[machine] = [];
}
