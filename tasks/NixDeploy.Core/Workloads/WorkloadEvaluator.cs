using System.Text.Json;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Workloads;

/// <summary>
/// Evaluates the flake's <c>workloads</c> output (beside the blueprint; a flake without it has none). A fetch source
/// becomes a fixed-output derivation (Nix's own <c>&lt;nix/fetchurl.nix&gt;</c>) in the same evaluation, so the
/// download enters the store by its SHA-256; a build source's <c>.#NAME</c> is evaluated to its derivation. Both are
/// then built with the closures. A command build has no derivation: BuildClosures runs it (<see cref="CommandBuilder"/>).
/// </summary>
public sealed class WorkloadEvaluator(NixCli nix)
{
    // Only a well-formed fetch gets a derivation: the parser reports the others with their line.
    private const string Apply = """
        w:
        let
          pinned = f: builtins.isAttrs f && builtins.isString (f.url or null) && builtins.isString (f.sha256 or null)
            && builtins.match "[0-9a-f]{64}|[0-9a-df-np-sv-z]{52}|sha256-[A-Za-z0-9+/]{43}=" f.sha256 != null;
          fetched = name: f: let d = import <nix/fetchurl.nix> { inherit name; inherit (f) url sha256; }; in { drv = d.drvPath; out = d.outPath; };
          each = name: v: if builtins.isAttrs v && builtins.isAttrs (v.source or null) && pinned (v.source.fetch or null)
            then v // { deliverable = fetched name v.source.fetch; } else v;
        in if builtins.isAttrs w then builtins.mapAttrs each w else w
        """;

    private const string DerivationOf = "d: if builtins.isAttrs d && (d.type or null) == \"derivation\" then { drv = d.drvPath; out = d.outPath; } else null";

    /// <param name="installable">The flake's installable for an attribute path (<c>FLAKE#PATH</c>).</param>
    /// <param name="flakeDirectory">A local flake's folder, whose files errors name; null for a flake URL.</param>
    public async Task<IReadOnlyDictionary<string, EvaluatedWorkload>> EvaluateAsync(Func<string, string> installable, string attribute,
        IReadOnlyDictionary<string, MachineSpec> blueprint, string? file, string? flakeDirectory, CancellationToken cancellationToken)
    {
        // The output is optional: a fleet without it has no workloads.
        if (await nix.EvalOptionalJsonAsync(installable(attribute), attribute, AttributePositions.Apply(Apply), file, cancellationToken).ConfigureAwait(false) is not { } json)
            return new SortedDictionary<string, EvaluatedWorkload>(StringComparer.Ordinal);
        var positions = AttributePositions.From(json.GetProperty("positions"), flakeDirectory);
        var workloads = WorkloadParser.Parse(json.GetProperty("value"), blueprint, file, positions);

        var errors = new List<Diagnostic>();
        foreach (var (name, workload) in workloads.Where(w => w.Value.Spec.Source.Flake is not null).ToList())
        {
            var path = workload.Spec.Source.Flake![2..];
            var built = await nix.EvalJsonAsync(installable(path), DerivationOf, file, cancellationToken).ConfigureAwait(false);
            if (built.ValueKind != JsonValueKind.Object)
            {
                var at = positions.Locate($"{name}.source.build.flake");
                errors.Add(new Diagnostic(ErrorCodes.WorkloadBuildInvalid,
                    $"{name}.source.build.flake: the flake's attribute '{path}' is not a derivation; point it at a package that builds an image archive or a bundle tar.",
                    at?.File ?? file, at?.Line ?? 0, at?.Column ?? 0));
                continue;
            }
            workloads[name] = workload with { DrvPath = built.GetProperty("drv").GetString(), OutPath = built.GetProperty("out").GetString() };
        }
        if (errors.Count > 0)
            throw new NixDeployException(errors);
        return workloads;
    }
}
