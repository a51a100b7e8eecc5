using System.Text.RegularExpressions;

namespace NixDeploy.Artifacts;

/// <summary>
/// What artifact, file, prompt and backend names, owners, groups, modes and target paths may look like. Names become
/// file names in the repository and on hosts, so nothing a shell or a path would interpret gets through.
/// </summary>
public static partial class ArtifactNames
{
    [GeneratedRegex("\\A[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\z")]
    private static partial Regex NamePattern();

    // A user or group name as useradd takes it, or a numeric id.
    [GeneratedRegex("\\A([a-z_][a-z0-9_-]{0,31}|[0-9]{1,10})\\z")]
    private static partial Regex AccountPattern();

    [GeneratedRegex("\\A0?[0-7]{3}\\z")]
    private static partial Regex ModePattern();

    // Absolute, plain segments only: no "." or "..", no empty segments, nothing a remote shell would need quoted twice.
    [GeneratedRegex(@"\A(/[A-Za-z0-9_@%+=:,.-]+)+\z")]
    private static partial Regex PathPattern();

    public static bool IsName(string name) => NamePattern().IsMatch(name) && !name.EndsWith('.');

    public static bool IsAccount(string account) => AccountPattern().IsMatch(account);

    public static bool IsMode(string mode) => ModePattern().IsMatch(mode);

    /// <summary>Mode as four octal digits, e.g. <c>0400</c>.</summary>
    public static string NormalizeMode(string mode) => mode.Length == 3 ? "0" + mode : mode;

    public static bool IsTargetPath(string path) =>
        PathPattern().IsMatch(path) && path.Split('/').All(segment => segment is not ("." or ".."));

    public static bool IsInNixStore(string path) => path == "/nix/store" || path.StartsWith("/nix/store/", StringComparison.Ordinal);
}
