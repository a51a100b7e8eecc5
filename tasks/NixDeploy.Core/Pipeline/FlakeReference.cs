namespace NixDeploy.Pipeline;

/// <summary>A flake as the user names it (a folder or a flake URL), and the file to blame in errors.</summary>
public sealed record FlakeReference
{
    public FlakeReference(string reference)
    {
        // Nix reads a relative folder such as "fleet" as a flake registry name: local folders go absolute. A path that
        // names a missing folder is still a folder, so that its error names the flake.nix it lacks.
        IsLocal = !reference.Contains(':') && (Directory.Exists(reference) || reference.Contains('/'));
        Reference = IsLocal ? Path.GetFullPath(reference) : reference;
    }

    public string Reference { get; }

    public bool IsLocal { get; }

    /// <summary>flake.nix when the flake is a local folder; null for remote flake URLs.</summary>
    public string? FlakeFile => IsLocal ? Path.Combine(Reference, "flake.nix") : null;

    public string Attribute(string attributePath) => $"{Reference}#{attributePath}";

    public string Toplevel(string machine) => Attribute($"nixosConfigurations.{machine}.config.system.build.toplevel");
}
