namespace NixDeploy.Artifacts.Delivery;

/// <summary>
/// One file to place on a host: where, with which owner, group and mode, and its payload as the host receives it,
/// either age ciphertext that only the host's own key decrypts, or a public file's plain content.
/// </summary>
public sealed record HostFile(string Path, string Owner, string Group, string Mode, HostFileKind Kind, byte[] Payload);

public enum HostFileKind
{
    /// <summary>age-encrypted to the host key: decrypted on the host, never in plaintext on the wire or the deployer's disk.</summary>
    Age,
    /// <summary>A public file, sent as it is.</summary>
    Plain,
}
