namespace NixDeploy.Nix;

/// <summary>How to call Nix: which executable, and which flake inputs to override (<c>--override-input</c>).</summary>
public sealed record NixOptions(string Executable, IReadOnlyDictionary<string, string> OverrideInputs)
{
    public static readonly NixOptions Default = new("nix", new Dictionary<string, string>());
}
