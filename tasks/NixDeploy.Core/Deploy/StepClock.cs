using System.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>Times a machine's deploy steps for the report, also the ones that fail.</summary>
internal sealed class StepClock(Action<string>? onStep = null)
{
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly List<StepDuration> _steps = [];

    public IReadOnlyList<StepDuration> Steps => _steps;

    public double TotalSeconds => Math.Round(_total.Elapsed.TotalSeconds, 3);

    public async Task<T> TimeAsync<T>(string step, Func<Task<T>> action)
    {
        onStep?.Invoke(step);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _steps.Add(new StepDuration(step, Math.Round(stopwatch.Elapsed.TotalSeconds, 3)));
        }
    }

    public Task TimeAsync(string step, Func<Task> action) =>
        TimeAsync(step, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        });
}
