using System.Text.Json;
using NixDeploy.Diagnostics;

namespace NixDeploy.Nix;

/// <summary>The closure of some store paths in the local store with each path's NAR size: one <c>nix path-info -r --json</c>.</summary>
public static class LocalNarSizes
{
    /// <summary>Path and NAR size, as Nix lists them; <paramref name="failure"/> says what failed and what to do (ND1003 with Nix's message).</summary>
    public static async Task<IReadOnlyList<KeyValuePair<string, long>>> ReadAsync(NixCli nix, IReadOnlyCollection<string> roots, string failure, string? file,
        CancellationToken cancellationToken)
    {
        if (roots.Count == 0)
            return [];
        var result = await nix.RunAsync(NixCli.WithFeatures(["path-info", "--recursive", "--json", .. roots]), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.NixCommandFailed, $"{failure} Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}", file);
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            return document.RootElement.EnumerateArray()
                .Select(entry => KeyValuePair.Create(
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
