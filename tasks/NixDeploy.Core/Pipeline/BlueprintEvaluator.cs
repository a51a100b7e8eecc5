using System.Text.Json;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Workloads;

namespace NixDeploy.Pipeline;

/// <summary>
/// EvaluateBlueprint's core: evaluates the blueprint, validates it, selects machines, and evaluates the selected
/// machines' toplevels in one <c>nix eval</c> so that building needs no evaluation of its own.
/// </summary>
public sealed class BlueprintEvaluator(NixCli nix)
{
    /// <param name="projectFile">Where the selection and the overrides are set: named in their errors.</param>
    /// <param name="workloadsAttribute">The flake's workloads output (optional in the flake); null evaluates none.</param>
    public async Task<FleetEvaluation> EvaluateAsync(FlakeReference flake, string attribute, string? selection, IReadOnlyDictionary<string, DeploymentOverride> overrides,
        string? projectFile, CancellationToken cancellationToken, string? workloadsAttribute = null)
    {
        var file = flake.FlakeFile;
        if (flake.IsLocal && !Directory.Exists(flake.Reference))
            throw new NixDeployException(ErrorCodes.FlakeEvaluationFailed,
                $"The flake folder '{flake.Reference}' does not exist: create it with a flake.nix, or set NixDeployFlake to the folder that holds flake.nix (default: the project's folder).", file);
        var evaluated = await nix.EvalJsonAsync(flake.Attribute(attribute), AttributePositions.Apply(null), file, cancellationToken).ConfigureAwait(false);
        var positions = AttributePositions.From(evaluated.GetProperty("positions"), flake.IsLocal ? flake.Reference : null);
        var blueprint = DeploymentOverride.Apply(BlueprintParser.Parse(evaluated.GetProperty("value"), file, positions), overrides, projectFile);
        var selected = MachineSelector.Select(blueprint, selection, projectFile);

        var configurations = await nix.EvalJsonAsync(flake.Attribute("nixosConfigurations"), ToplevelsOf(selected), file, cancellationToken).ConfigureAwait(false);
        var names = configurations.GetProperty("names").EnumerateArray().Select(name => name.GetString()!).ToHashSet(StringComparer.Ordinal);
        var errors = blueprint.Keys.Where(machine => !names.Contains(machine))
            .Select(machine => new Diagnostic(ErrorCodes.MachineWithoutConfiguration,
                $"Machine '{machine}' is in the blueprint but the flake has no nixosConfigurations.{machine}: add it, or remove the machine from the blueprint.", file))
            .Concat(names.Where(name => !blueprint.ContainsKey(name)).Order(StringComparer.Ordinal)
                .Select(name => new Diagnostic(ErrorCodes.ConfigurationWithoutMachine,
                    $"nixosConfigurations.{name} has no machine in the blueprint: add '{name}' to the blueprint (with its deployment), or remove the configuration.", file)))
            .ToList();
        if (errors.Count > 0)
            throw new NixDeployException(errors);

        var toplevels = new SortedDictionary<string, Toplevel>(StringComparer.Ordinal);
        foreach (var machine in configurations.GetProperty("toplevels").EnumerateObject())
        {
            toplevels[machine.Name] = new Toplevel(
                StorePath.Require(machine.Value.GetProperty("drv").GetString()!, $"The derivation of {machine.Name}", file),
                StorePath.Require(machine.Value.GetProperty("out").GetString()!, $"The toplevel of {machine.Name}", file));
        }
        var workloads = workloadsAttribute is null ? null
            : await new WorkloadEvaluator(nix).EvaluateAsync(flake.Attribute, workloadsAttribute, blueprint, file, flake.IsLocal ? flake.Reference : null, cancellationToken).ConfigureAwait(false);
        return new FleetEvaluation(blueprint, selected, toplevels, workloads is { Count: > 0 } ? workloads : null);
    }

    // Machine names are validated identifiers, so they are safe inside Nix string literals.
    private static string ToplevelsOf(IEnumerable<string> machines) =>
        "cs: { names = builtins.attrNames cs; toplevels = builtins.listToAttrs (map (n: { name = n; value = "
        + "let t = cs.${n}.config.system.build.toplevel; in { drv = t.drvPath; out = t.outPath; }; }) "
        + "(builtins.filter (n: builtins.hasAttr n cs) [ " + string.Join(' ', machines.Select(m => JsonSerializer.Serialize(m))) + " ])); }";
}
