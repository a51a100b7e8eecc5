using System.Text.RegularExpressions;
using NixDeploy.Diagnostics;

namespace NixDeploy.Blueprint;

/// <summary>
/// Colmena-style selection: a comma-separated list of machine-name globs (<c>web-*</c>) and labels
/// (<c>@db</c>, globs too). A machine is selected when any term matches; an empty selection means all.
/// </summary>
public static class MachineSelector
{
    /// <param name="file">Where the selection is set (the project for NixDeployOn), named when it matches nothing.</param>
    public static IReadOnlyList<string> Select(IReadOnlyDictionary<string, MachineSpec> machines, string? selection, string? file)
    {
        var terms = (selection ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (terms.Length == 0)
            return machines.Keys.Order(StringComparer.Ordinal).ToList();
        var selected = machines
            .Where(machine => terms.Any(term => Matches(term, machine.Key, machine.Value)))
            .Select(machine => machine.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (selected.Count == 0)
            throw new NixDeployException(ErrorCodes.SelectionMatchesNothing,
                $"The selection '{selection}' matches no machine. Machines: {string.Join(", ", machines.Keys)}; labels: {string.Join(", ", machines.Values.SelectMany(m => m.Labels).Distinct().Order())}.", file);
        return selected;
    }

    private static bool Matches(string term, string name, MachineSpec spec) =>
        term.StartsWith('@')
            ? spec.Labels.Any(label => Glob(term[1..]).IsMatch(label))
            : Glob(term).IsMatch(name);

    private static Regex Glob(string pattern) =>
        new(@"\A" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + @"\z", RegexOptions.CultureInvariant);
}
