using NixDeploy.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NixDeploy.Tool.Output;

/// <summary>
/// A table redrawn in place under a header with the command's time: one row per machine with its step (or result), how
/// far the step got, and the time since its own start; under it the fleet's bar with an estimate. Nothing wraps: only
/// the step gives way to a narrow terminal, cut with "…".
/// </summary>
public sealed class LiveTableView(IAnsiConsole console, RunClock clock) : IProgressView
{
    private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(200);

    public async Task<T> ShowAsync<T>(string title, Func<Action<ProgressEvent>, Task<T>> work)
    {
        var board = new ProgressBoard();
        T result = default!;
        await console.Live(Render(title, board, done: false)).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            var running = work(progress => board.Apply(progress));
            try
            {
                while (!running.IsCompleted)
                {
                    context.UpdateTarget(Render(title, board, done: false));
                    await Task.WhenAny(running, Task.Delay(Redraw));
                }
                result = await running;
            }
            finally
            {
                clock.Stop();
                context.UpdateTarget(Render(title, board, done: true));
            }
        });
        return result;
    }

    private IRenderable Render(string title, ProgressBoard board, bool done)
    {
        var now = DateTimeOffset.UtcNow;
        var time = RunClock.Seconds(clock.Elapsed);
        var header = new Markup($"[bold]{Markup.Escape(title)}[/] [grey]· {(done ? "done in " : "")}{time}[/]").Overflow(Overflow.Ellipsis);
        var rows = board.Rows;
        // Only a deploy in several waves says which wave a machine is in.
        var waves = rows.Any(row => row.Wave is not null);
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("machine").NoWrap());
        if (waves)
            table.AddColumn(new TableColumn("wave").NoWrap().RightAligned());
        table.AddColumn(new TableColumn("step")).AddColumn(new TableColumn("elapsed").NoWrap().RightAligned());
        if (rows.Count == 0)
            table.AddRow(new Markup("[grey]…[/]"), Cell("[grey]evaluating the fleet[/]"), Text.Empty);
        foreach (var row in rows)
            table.AddRow([
                new Markup(Markup.Escape(row.Name)).Overflow(Overflow.Ellipsis),
                .. waves ? [new Text(row.Wave?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")] : Array.Empty<IRenderable>(),
                Cell(StepMarkup(row)),
                new Text(row.Elapsed(now) is { } elapsed ? RunClock.Seconds(elapsed) : ""),
            ]);
        return new Rows(header, table, Bar(rows, done));
    }

    /// <summary>
    /// The fleet's bar: machines with a result of this command of all machines seen (evaluated and built are on the
    /// way to a deploy), and, once one has its result, the time left if the rest take as long on average.
    /// </summary>
    private Markup Bar(IReadOnlyList<MachineRow> rows, bool done)
    {
        const int width = 20;
        var finished = done ? rows.Count : rows.Count(row => row.Status is { } status && status is not ("evaluated" or "built"));
        var filled = rows.Count == 0 ? 0 : width * finished / rows.Count;
        var left = !done && finished > 0 && finished < rows.Count
            ? $" · about {RunClock.Seconds(clock.Elapsed * (rows.Count - finished) / finished)} left"
            : "";
        return new Markup($"[green]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/] {finished}/{rows.Count} machines{left}").Overflow(Overflow.Ellipsis);
    }

    private static Markup Cell(string markup) => new Markup(markup).Overflow(Overflow.Ellipsis);

    private static string StepMarkup(MachineRow row) => row.Status switch
    {
        null => $"[yellow]{Markup.Escape(StepWords.Describe(row.Step) ?? "")}…[/]{(row.Detail is { } detail ? $" [grey]{Markup.Escape(detail)}[/]" : "")}",
        "deployed" or "unchanged" or "built" or "evaluated" or "pushed" or "would-change" or "reverted" or "pending-reboot" => $"[green]{Markup.Escape(row.Status)}[/]",
        "rolled-back" => "[darkorange]rolled-back[/]",
        _ => $"[red]{Markup.Escape(row.Status)}[/]",
    };
}
