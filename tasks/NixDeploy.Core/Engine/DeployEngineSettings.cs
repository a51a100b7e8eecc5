using NixDeploy.Artifacts;
using NixDeploy.Deploy;
using NixDeploy.Nix;

namespace NixDeploy.Engine;

/// <summary>
/// What a <see cref="DeployEngine"/> is made of: the deploy's settings, the built fleet (deployment.json), Nix, the
/// artifacts to place, where progress and the machines' logs go and the id of the run, which its report carries.
/// Without <see cref="Artifacts"/>, the artifact files deployment.json carries are placed: the document is enough.
/// </summary>
public sealed record DeployEngineSettings(
    DeploySettings Deploy,
    string ManifestFile,
    NixOptions Nix,
    string RunId,
    string LogDirectory,
    DeployArtifactFiles? Artifacts = null,
    string? ProgressFile = null);

/// <summary>
/// The artifact queue's result and the evaluated store from the build (obj/): each machine's artifact files are
/// placed before activation. <paramref name="Prompts"/> answers the artifacts generated only at deploy.
/// </summary>
public sealed record DeployArtifactFiles(string ResultFile, string StoreFile, string Root, string AgeExecutable, IPromptSource Prompts);
