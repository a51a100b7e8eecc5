using NixDeploy.Progress;

namespace NixDeploy.Tool.Output;

/// <summary>The machines seen so far in a run's progress, in order of appearance; safe to update from the build's reader.</summary>
public sealed class ProgressBoard
{
    private readonly List<MachineRow> _rows = [];
    private readonly object _gate = new();

    public IReadOnlyList<MachineRow> Rows
    {
        get
        {
            lock (_gate)
                return [.. _rows];
        }
    }

    public MachineRow Apply(ProgressEvent progress)
    {
        lock (_gate)
        {
            var row = _rows.Find(r => r.Name == progress.Machine);
            if (row is null)
            {
                row = new MachineRow(progress.Machine);
                _rows.Add(row);
            }
            row.Apply(progress);
            return row;
        }
    }
}
