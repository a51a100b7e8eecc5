using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Live;

/// <summary>
/// The package-level difference between two closures, as <c>nix store diff-closures</c> prints it. Both must be in
/// the local store; the live closure is there when this deployer (or its binary cache) built it.
/// </summary>
public sealed class ClosureDiff(NixCli nix)
{
    /// <summary>The diff lines (empty: same packages), or null when <paramref name="from"/> is not in the local store.</summary>
    public async Task<IReadOnlyList<string>?> DiffAsync(string from, string to, CancellationToken cancellationToken)
    {
        StorePath.Require(from, "The live closure");
        StorePath.Require(to, "The desired closure");
        var present = await nix.RunAsync(NixCli.WithFeatures("path-info", from), cancellationToken).ConfigureAwait(false);
        if (!present.Succeeded)
            return null;
        var result = await nix.RunAsync(NixCli.WithFeatures("store", "diff-closures", from, to), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.NixCommandFailed,
                $"'nix store diff-closures {from} {to}' failed: {NixMessages.Trim(result.StandardError)}");
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// The names of the paths in both closures whose contents differ (a changed setting: <c>etc</c>, a unit file),
    /// which diff-closures does not show when no version changed; the systems themselves are left out. Both
    /// closures must be in the local store.
    /// </summary>
    public async Task<IReadOnlyList<string>> ChangedContentsAsync(string from, string to, CancellationToken cancellationToken)
    {
        var before = await ClosureAsync(from, cancellationToken).ConfigureAwait(false);
        var after = await ClosureAsync(to, cancellationToken).ConfigureAwait(false);
        var namesBefore = before.Where(path => path != from).Select(StorePath.Name).ToHashSet(StringComparer.Ordinal);
        return after.Where(path => path != to && !before.Contains(path))
            .Select(StorePath.Name)
            .Where(namesBefore.Contains)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private async Task<HashSet<string>> ClosureAsync(string path, CancellationToken cancellationToken)
    {
        var result = await nix.RunAsync(NixCli.WithFeatures("path-info", "--recursive", path), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.NixCommandFailed, $"'nix path-info --recursive {path}' failed: {NixMessages.Trim(result.StandardError)}");
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
    }
}
