using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>
/// One wave of a deploy: its number in NixDeployWaves, the wave as written there, and its machines (name order).
/// A machine no wave names is in a last wave of its own, as if the list ended in <c>/*</c>.
/// </summary>
public sealed record DeployWave(int Number, string Spec, IReadOnlyList<string> Machines)
{
    /// <summary>
    /// The waves of <paramref name="machines"/> (the deploy's selection), in order; a wave none of them is in is left
    /// out. Every part of a selection wave must name some machine of <paramref name="fleet"/> (ND5043), so a misspelt
    /// canary never silently joins the last wave; it may name none of this deploy's selection.
    /// </summary>
    public static IReadOnlyList<DeployWave> Assign(
        IReadOnlyList<WaveSpec> specs, IEnumerable<string> machines, IReadOnlyDictionary<string, MachineSpec> fleet, SettingLayers layers)
    {
        var left = machines.Order(StringComparer.Ordinal).ToList();
        var waves = new List<DeployWave>();
        for (var index = 0; index < specs.Count; index++)
        {
            var spec = specs[index];
            var members = spec.Percent is { } percent ? left.Take((left.Count * percent + 99) / 100).ToList()
                : spec == WaveSpec.Rest ? [.. left]
                : left.Where(Selected(spec, index + 1, fleet, layers).Contains).ToList();
            left.RemoveAll(members.Contains);
            if (members.Count > 0)
                waves.Add(new DeployWave(index + 1, spec.Text, members));
        }
        if (left.Count > 0)
            waves.Add(new DeployWave(specs.Count + 1, WaveSpec.Rest.Text, left));
        return waves;
    }

    private static HashSet<string> Selected(WaveSpec spec, int number, IReadOnlyDictionary<string, MachineSpec> fleet, SettingLayers layers)
    {
        try
        {
            return MachineSelector.Select(fleet, spec.Text, null).ToHashSet(StringComparer.Ordinal);
        }
        catch (NixDeployException e) when (e.Diagnostics.All(diagnostic => diagnostic.Code == ErrorCodes.SelectionMatchesNothing))
        {
            throw layers.Refuse(ErrorCodes.WaveMatchesNothing, "NixDeployWaves",
                $"Wave {number} '{spec.Text}' of NixDeployWaves names no machine of the fleet: {string.Join(" ", e.Diagnostics.Select(d => d.Message))}");
        }
    }
}
