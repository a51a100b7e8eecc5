using System.Text.RegularExpressions;
using NuGet.Versioning;

namespace NixDeploy.Nix;

/// <summary>Reads <c>nix --version</c> and holds the minimum this SDK supports.</summary>
public static partial class NixVersion
{
    /// <summary>The oldest Nix tested: Debian 12's nix-bin. Flakes, <c>nix build --json</c> and <c>nix copy</c> as used here work from it on.</summary>
    public static readonly NuGetVersion Minimum = new(2, 8, 0);

    [GeneratedRegex(@"(\d+\.\d+(\.\d+)?)")]
    private static partial Regex VersionNumber();

    /// <summary>Parses output such as <c>nix (Nix) 2.8.0</c> or <c>nix (Nix) 2.18.1pre</c>.</summary>
    public static NuGetVersion? Parse(string versionOutput) =>
        VersionNumber().Match(versionOutput) is { Success: true } match && NuGetVersion.TryParse(match.Groups[1].Value, out var version)
            ? version
            : null;
}
