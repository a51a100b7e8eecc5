namespace NixDeploy.Artifacts;

/// <summary>
/// The artifacts folder in the repository (seed 000's layout): <c>per-machine/MACHINE/ARTIFACT/FILE</c> and
/// <c>shared/ARTIFACT/FILE</c> under <see cref="Root"/>.
/// </summary>
public sealed record ArtifactRepository(string Root)
{
    public string PathOf(ArtifactFile file) => Path.Combine(Root, file.Artifact.Key.RelativeDirectory, file.File.Name);
}
