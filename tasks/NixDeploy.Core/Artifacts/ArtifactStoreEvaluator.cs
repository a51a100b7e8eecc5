using NixDeploy.Nix;
using NixDeploy.Pipeline;

namespace NixDeploy.Artifacts;

/// <summary>
/// Evaluates the flake's artifacts output (beside the blueprint) into an <see cref="ArtifactStore"/>. A flake without
/// that output has no artifacts. Scripts come back with the store derivations they refer to, so that the queue can
/// build a generator's tools before running it.
/// </summary>
public sealed class ArtifactStoreEvaluator(NixCli nix)
{
    // Every script s becomes { text = s; needs = [ derivations in its string context ]; }. Anything else is passed
    // through unchanged, for the parser to reject with a message naming it.
    private const string Apply = """
        a:
        let
          withNeeds = s: if builtins.isString s
            then { text = s; needs = builtins.filter (p: builtins.match ".*[.]drv" p != null) (builtins.attrNames (builtins.getContext s)); }
            else s;
          scripts = names: v: if builtins.isAttrs v
            then v // builtins.listToAttrs (map (n: { name = n; value = withNeeds v.${n}; }) (builtins.filter (n: builtins.hasAttr n v) names))
            else v;
          each = f: v: if builtins.isAttrs v then builtins.mapAttrs (_: f) v else v;
        in
        if !(builtins.isAttrs a) then a else a
          // (if a ? store then { store = each (each (scripts [ "generator" ])) a.store; } else { })
          // (if a ? backend then { backend = each (scripts [ "serialize" "deserialize" ]) a.backend; } else { })
        """;

    public async Task<ArtifactStore> EvaluateAsync(FlakeReference flake, string attribute, IReadOnlyCollection<string> machines, CancellationToken cancellationToken)
    {
        var file = flake.FlakeFile;
        // The output is optional: a fleet without it has no artifacts.
        if (await nix.EvalOptionalJsonAsync(flake.Attribute(attribute), attribute, AttributePositions.Apply(Apply), file, cancellationToken).ConfigureAwait(false) is not { } json)
            return ArtifactStore.Empty;
        var positions = AttributePositions.From(json.GetProperty("positions"), flake.IsLocal ? flake.Reference : null);
        return ArtifactStoreParser.Parse(json.GetProperty("value"), machines, attribute, file, positions);
    }
}
