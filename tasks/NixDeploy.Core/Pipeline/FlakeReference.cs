namespace NixDeploy.Pipeline;

/// <summary>A flake as the user names it (a folder or a flake URL), and the file to blame in errors.</summary>
public sealed record FlakeReference(string Reference)
{
    /// <summary>flake.nix when the flake is a local folder; null for remote flake URLs.</summary>
    public string? FlakeFile =>
        !Reference.Contains(':') && Directory.Exists(Reference) ? Path.Combine(Path.GetFullPath(Reference), "flake.nix") : null;

    public string Attribute(string attributePath) => $"{Reference}#{attributePath}";

    public string Toplevel(string machine) => Attribute($"nixosConfigurations.{machine}.config.system.build.toplevel");
}
