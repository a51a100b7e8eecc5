using NixDeploy.Diagnostics;
using NixDeploy.Manifest;

namespace NixDeploy.Artifacts.Delivery;

/// <summary>
/// A machine's artifact files as deployment.json carries them, so a process with only the document and its own SSH
/// key places them (a control plane): secrets are the stored age ciphertext, decrypted on the host with its own key;
/// public files are their content. The document never holds a secret in clear, so a file it does not carry cannot
/// be placed from it.
/// </summary>
public sealed class ManifestHostFiles(DeploymentManifest manifest, string manifestPath) : IHostFileSource
{
    public Task<MachineFiles?> ForMachineAsync(string machine, CancellationToken cancellationToken)
    {
        if (manifest.Artifacts?.GetValueOrDefault(machine) is not { Count: > 0 } artifacts)
            return Task.FromResult<MachineFiles?>(null);
        var files = artifacts.SelectMany(artifact => artifact.Files.Select(file => HostFileOf(machine, artifact, file.Key, file.Value))).ToList();
        return Task.FromResult<MachineFiles?>(new MachineFiles(files,
            manifest.AgeIdentities?.GetValueOrDefault(machine) ?? HostKey.DefaultIdentityFile, artifacts.Select(artifact => artifact.Name).ToList()));
    }

    private HostFile HostFileOf(string machine, ManifestArtifact artifact, string name, ManifestArtifactFile file) =>
        file is { Payload: { } payload, Owner: { } owner, Group: { } group, Mode: { } mode }
            // A file not marked public is treated as a secret: age refuses anything that is not its ciphertext.
            ? new HostFile(file.Path, owner, group, mode, file.Secret == false ? HostFileKind.Plain : HostFileKind.Age, Convert.FromBase64String(payload))
            : throw new NixDeployException(ErrorCodes.ArtifactPayloadMissing,
                $"{machine}: {manifestPath} does not carry file '{name}' of artifact '{(artifact.Shared ? "shared/" : "")}{artifact.Name}' (a secret from a command backend or generated at every deploy, or a schemaVersion 1 document), "
                + "so it cannot be placed without the fleet's repository: deploy from the repository (dotnet build -t:Deploy), or store the artifact with the age backend and build again.", manifestPath);
}
