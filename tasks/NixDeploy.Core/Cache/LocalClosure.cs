using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>The full closure of some store paths in the local store, with NAR sizes: one <c>nix path-info -r --json</c>.</summary>
public static class LocalClosure
{
    public static async Task<IReadOnlyList<StorePathInfo>> ReadAsync(NixCli nix, IReadOnlyCollection<string> roots, string? file, CancellationToken cancellationToken)
    {
        if (roots.Count == 0)
            return [];
        var result = await nix.RunAsync(NixCli.WithFeatures(["path-info", "--recursive", "--json", .. roots]), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.NixCommandFailed,
                $"Listing the closures to push failed; build them first ('dotnet build'). Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}", file);
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            return document.RootElement.EnumerateArray()
                .Select(entry => new StorePathInfo(
                    StorePath.Require(entry.GetProperty("path").GetString() ?? "", "nix path-info returned", file),
                    entry.TryGetProperty("narSize", out var size) && size.TryGetInt64(out var bytes) ? bytes : 0))
                .ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new NixDeployException(ErrorCodes.NixCommandFailed, $"'nix path-info --recursive --json' printed something unexpected ({e.Message}).", file);
        }
    }
}
