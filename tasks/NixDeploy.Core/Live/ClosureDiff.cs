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
}
