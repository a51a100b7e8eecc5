using NixDeploy.Diagnostics;

namespace NixDeploy.Artifacts.Backends;

/// <summary>Which backend serializes and deserializes each file: public files are plain, secret files use the artifact's choice.</summary>
public sealed class ArtifactBackends
{
    private readonly Dictionary<string, IArtifactBackend> _byName = new(StringComparer.Ordinal);
    private readonly PlainFileBackend _plain;

    public ArtifactBackends(ArtifactStore store, ArtifactRepository repository, AgeCli age, ArtifactScriptRunner runner)
    {
        _plain = new PlainFileBackend(repository);
        _byName[ArtifactBackendNames.Age] = new AgeBackend(age, repository, store.Config.Age);
        foreach (var (name, scripts) in store.Backends)
            _byName[name] = new CommandBackend(name, scripts, runner);
    }

    public IArtifactBackend Serializer(ArtifactFile file) => Select(file, file.Artifact.SerializeBackend);

    public IArtifactBackend Deserializer(ArtifactFile file) => Select(file, file.Artifact.DeserializeBackend);

    private IArtifactBackend Select(ArtifactFile file, string name) =>
        !file.File.Secret ? _plain
        : _byName.TryGetValue(name, out var backend) ? backend
        : throw new NixDeployException(ErrorCodes.ArtifactBackendInvalid, $"{file} uses backend '{name}', which is not declared.");
}
