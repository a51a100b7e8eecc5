namespace NixDeploy.Artifacts;

/// <summary>One declared file of one artifact: the unit a backend stores and loads.</summary>
public sealed record ArtifactFile(ArtifactDeclaration Artifact, FileDeclaration File)
{
    public override string ToString() => $"{Artifact.Key}/{File.Name}";
}
