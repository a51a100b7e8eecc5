using System.Security.Cryptography;

namespace NixDeploy.Artifacts.Backends;

/// <summary>Lower-case hex SHA-256, the content hash deployment.json records.</summary>
public static class FileHashes
{
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
