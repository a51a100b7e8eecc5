namespace NixDeploy.Artifacts;

/// <summary>The built-in backend names; any other name is a command backend from <c>artifacts.backend.NAME</c>.</summary>
public static class ArtifactBackendNames
{
    /// <summary>Secret files age-encrypted in the repository to the machines' host keys and the admins' keys.</summary>
    public const string Age = "age";

    /// <summary>Serialization skipped: the artifact is generated again every time.</summary>
    public const string None = "none";

    /// <summary>Public files as they are, in the repository. Not selectable: every public file uses it.</summary>
    public const string Plain = "plain";

    public static bool IsBuiltIn(string name) => name is Age or None or Plain;
}
