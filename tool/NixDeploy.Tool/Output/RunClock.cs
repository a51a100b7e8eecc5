using System.Diagnostics;
using System.Globalization;

namespace NixDeploy.Tool.Output;

/// <summary>
/// The one clock of a command: started with it and stopped when its live work ends, so the live view's header and the
/// summary line show the same time (rows count from each machine's own start, on the same wall clock).
/// </summary>
public sealed class RunClock
{
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();

    public TimeSpan Elapsed => _stopwatch.Elapsed;

    public void Stop() => _stopwatch.Stop();

    /// <summary>Seconds as every view writes them: "12.3 s".</summary>
    public static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.0} s");
}
