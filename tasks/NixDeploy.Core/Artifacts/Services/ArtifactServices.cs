using NixDeploy.Artifacts.Backends;
using NixDeploy.Artifacts.Delivery;
using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Artifacts.Services;

/// <summary>
/// The artifact machinery for one store, wired once for every host (MSBuild tasks, the tool): backends, generator,
/// queue and deploy placement. Prompt answers come from the host's own <see cref="IPromptSource"/>.
/// </summary>
public sealed class ArtifactServices
{
    private readonly ArtifactStore _store;
    private readonly ICommandLog _log;

    public ArtifactServices(ArtifactStore store, string artifactsRoot, ProcessRunner runner, NixCli nix, string ageExecutable)
    {
        _store = store;
        _log = runner.Log;
        Age = new AgeCli(runner, ageExecutable);
        var scripts = new ArtifactScriptRunner(nix, runner.Log, store.DeclarationFile);
        Repository = new ArtifactRepository(Path.GetFullPath(artifactsRoot));
        Backends = new ArtifactBackends(store, Repository, Age, scripts);
        Generator = new ArtifactGenerator(scripts, store.DeclarationFile);
    }

    public AgeCli Age { get; }

    public ArtifactRepository Repository { get; }

    public ArtifactBackends Backends { get; }

    public ArtifactGenerator Generator { get; }

    public ArtifactQueue Queue(IPromptSource prompts) => new(Backends, Generator, prompts, _log);

    public ArtifactInspector Inspector() => new(Backends, Repository);

    /// <param name="hostAgeExecutable">The age command on the hosts, which decrypt their secrets themselves.</param>
    public ArtifactPlacement Placement(ArtifactQueueResult result, IPromptSource prompts, string hostAgeExecutable = "age") =>
        new(new ArtifactPayloads(result, _store, Backends, Age, Generator, prompts), hostAgeExecutable);
}
