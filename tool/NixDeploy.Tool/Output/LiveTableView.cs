using NixDeploy.Progress;
using Spectre.Console;

namespace NixDeploy.Tool.Output;

/// <summary>A table redrawn in place: one row per machine with its step (or result) and elapsed time.</summary>
public sealed class LiveTableView(IAnsiConsole console) : IProgressView
{
    private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(200);

    public async Task<T> ShowAsync<T>(string title, Func<Action<ProgressEvent>, Task<T>> work)
    {
        var board = new ProgressBoard();
        var started = DateTimeOffset.UtcNow;
        var table = Render(title, board, started);
        T result = default!;
        await console.Live(table).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            var running = work(progress => board.Apply(progress));
            while (!running.IsCompleted)
            {
                context.UpdateTarget(Render(title, board, started));
                await Task.WhenAny(running, Task.Delay(Redraw));
            }
            context.UpdateTarget(Render(title, board, started));
            result = await running;
        });
        return result;
    }

    private static Table Render(string title, ProgressBoard board, DateTimeOffset started)
    {
        var now = DateTimeOffset.UtcNow;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(title)}[/] [grey]{(now - started).TotalSeconds:0.0} s[/]")
            .AddColumn("machine").AddColumn("step").AddColumn(new TableColumn("elapsed").RightAligned());
        var rows = board.Rows;
        if (rows.Count == 0)
            table.AddRow("[grey]…[/]", "[grey]evaluating the fleet[/]", "");
        foreach (var row in rows)
            table.AddRow(Markup.Escape(row.Name), StepMarkup(row), $"{row.Elapsed(now).TotalSeconds:0.0} s");
        return table;
    }

    private static string StepMarkup(MachineRow row) => row.Status switch
    {
        null => $"[yellow]{Markup.Escape(row.Step ?? "")}…[/]",
        "deployed" or "unchanged" or "built" or "evaluated" or "pushed" or "would-change" or "reverted" or "pending-reboot" => $"[green]{Markup.Escape(row.Status)}[/]",
        "rolled-back" => "[darkorange]rolled-back[/]",
        _ => $"[red]{Markup.Escape(row.Status)}[/]",
    };
}
