namespace NixDeploy.Artifacts;

/// <summary>
/// <c>artifacts.config</c> (seed 000's config): the default backends for secret files, and the age backend's
/// recipients. Public files always go to the repository as plain files.
/// </summary>
public sealed record ArtifactConfig(string SerializeDefault, string DeserializeDefault, AgeConfig Age)
{
    public static readonly ArtifactConfig Default = new(ArtifactBackendNames.Age, ArtifactBackendNames.Age, AgeConfig.Empty);
}

/// <summary>Who can decrypt: every admin key, and each machine's SSH host key (its <see cref="HostKey"/>).</summary>
public sealed record AgeConfig(IReadOnlyList<string> Admins, IReadOnlyDictionary<string, HostKey> Hosts)
{
    public static readonly AgeConfig Empty = new([], new Dictionary<string, HostKey>());

    /// <summary>The private key file <paramref name="machine"/>'s host decrypts its secrets with.</summary>
    public string IdentityFileOf(string machine) => Hosts.TryGetValue(machine, out var key) ? key.IdentityFile : HostKey.DefaultIdentityFile;
}

/// <summary>A machine's SSH host public key (its age recipient) and where the host keeps the private key (its identity).</summary>
public sealed record HostKey(string PublicKey, string IdentityFile)
{
    public const string DefaultIdentityFile = "/etc/ssh/ssh_host_ed25519_key";
}
