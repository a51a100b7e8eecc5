namespace NixDeploy.Artifacts.Delivery;

/// <summary>
/// Where the files placed on a machine come from: the repository, as the build's artifact queue left them
/// (<see cref="ArtifactPayloads"/>), or deployment.json alone (<see cref="ManifestHostFiles"/>).
/// </summary>
public interface IHostFileSource
{
    /// <summary>The machine's files and the key its host decrypts their secrets with; null when it has none.</summary>
    Task<MachineFiles?> ForMachineAsync(string machine, CancellationToken cancellationToken);
}

/// <param name="IdentityFile">The private key file on the host that age decrypts the secrets with.</param>
/// <param name="Artifacts">The artifacts' names, for the log.</param>
public sealed record MachineFiles(IReadOnlyList<HostFile> Files, string IdentityFile, IReadOnlyList<string> Artifacts);
