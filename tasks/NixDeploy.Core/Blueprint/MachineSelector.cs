using System.Text.RegularExpressions;
using NixDeploy.Diagnostics;

namespace NixDeploy.Blueprint;

/// <summary>
/// Colmena-style selection: a list of machine-name globs (<c>web-*</c>) and labels (<c>@db</c>, globs too),
/// separated by <c>+</c> or <c>,</c>. <c>+</c> is the one to type: MSBuild splits a <c>-p:</c> value at <c>,</c>
/// (there it is <c>%2C</c>), and neither bash nor MSBuild gives <c>+</c> a meaning; a machine name cannot contain it.
/// A machine is selected when any term matches; an empty selection means all. Every term must match some machine:
/// a misspelt one (<c>dbb-1</c>) would otherwise deploy less than was asked, silently.
/// </summary>
public static class MachineSelector
{
    private static readonly char[] Separators = ['+', ','];

    /// <summary>The selection of exactly these machines.</summary>
    public static string Of(IEnumerable<string> names) => string.Join(Separators[0], names);

    /// <param name="file">Where the selection is set (the project for NixDeployOn), named when a term matches nothing.</param>
    public static IReadOnlyList<string> Select(IReadOnlyDictionary<string, MachineSpec> machines, string? selection, string? file)
    {
        var terms = (selection ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (terms.Length == 0)
            return machines.Keys.Order(StringComparer.Ordinal).ToList();
        var unmatched = terms.Where(term => !machines.Any(machine => Matches(term, machine.Key, machine.Value))).ToList();
        if (unmatched.Count > 0)
            throw new NixDeployException(unmatched.Select(term => new Diagnostic(ErrorCodes.SelectionMatchesNothing,
                $"'{term}' in the selection '{selection}' matches no machine{Suggestion(term, machines)}. Machines: {string.Join(", ", machines.Keys.Order(StringComparer.Ordinal))}; labels: {string.Join(", ", Labels(machines))}.",
                file)).ToList());
        return machines
            .Where(machine => terms.Any(term => Matches(term, machine.Key, machine.Value)))
            .Select(machine => machine.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string Suggestion(string term, IReadOnlyDictionary<string, MachineSpec> machines)
    {
        var nearest = term.StartsWith('@')
            ? NearestName.Of(term[1..], Labels(machines)) is { } label ? "@" + label : null
            : NearestName.Of(term, machines.Keys);
        return nearest is null ? "" : $" (did you mean {nearest}?)";
    }

    private static IEnumerable<string> Labels(IReadOnlyDictionary<string, MachineSpec> machines) =>
        machines.Values.SelectMany(m => m.Labels).Distinct().Order(StringComparer.Ordinal);

    private static bool Matches(string term, string name, MachineSpec spec) =>
        term.StartsWith('@')
            ? spec.Labels.Any(label => Glob(term[1..]).IsMatch(label))
            : Glob(term).IsMatch(name);

    private static Regex Glob(string pattern) =>
        new(@"\A" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + @"\z", RegexOptions.CultureInvariant);
}
