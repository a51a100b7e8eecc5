using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>The full closure of some store paths in the local store, with NAR sizes (<see cref="LocalNarSizes"/>).</summary>
public static class LocalClosure
{
    public static async Task<IReadOnlyList<StorePathInfo>> ReadAsync(NixCli nix, IReadOnlyCollection<string> roots, string? file, CancellationToken cancellationToken) =>
        (await LocalNarSizes.ReadAsync(nix, roots, "Listing the closures to push failed; build them first ('dotnet build').", file, cancellationToken).ConfigureAwait(false))
            .Select(entry => new StorePathInfo(entry.Key, entry.Value)).ToList();
}
