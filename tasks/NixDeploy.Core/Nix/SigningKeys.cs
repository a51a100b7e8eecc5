using System.Text.RegularExpressions;
using NixDeploy.Diagnostics;

namespace NixDeploy.Nix;

/// <summary>
/// A binary cache signing key pair: <c>nix key generate-secret</c> and <c>convert-secret-to-public</c>. The secret key
/// goes straight from Nix to a file readable by its owner only; it is never printed or logged.
/// </summary>
public sealed partial class SigningKeys(NixCli nix)
{
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9.\-_]*-[0-9]+\z")]
    private static partial Regex KeyName();

    /// <summary>Writes NAME.secret (mode 600) and NAME.public into <paramref name="directory"/>; returns the public key.</summary>
    public async Task<(string SecretFile, string PublicFile, string PublicKey)> GenerateAsync(string name, string directory, CancellationToken cancellationToken)
    {
        if (!KeyName().IsMatch(name))
            throw new NixDeployException(ErrorCodes.InvalidKeyName,
                $"'{name}' is not a usable key name: use the cache's host name and a number, such as 'cache.example.org-1' (letters, digits, '.', '-', '_').");
        var secretFile = Path.GetFullPath(Path.Combine(directory, name + ".secret"));
        var publicFile = Path.GetFullPath(Path.Combine(directory, name + ".public"));
        foreach (var file in new[] { secretFile, publicFile })
        {
            if (File.Exists(file))
                throw new NixDeployException(ErrorCodes.KeyFileExists,
                    $"{file} already exists: a new key would orphan every path signed with the old one. Delete it first, or choose another --name.", file);
        }
        var generated = await nix.RunAsync(NixCli.WithFeatures("key", "generate-secret", "--key-name", name), cancellationToken).ConfigureAwait(false);
        if (!generated.Succeeded)
            throw new NixDeployException(ErrorCodes.NixCommandFailed, $"'nix key generate-secret' failed: {NixMessages.Trim(generated.StandardError)}");
        var secret = generated.StandardOutput.Trim();
        var converted = await nix.RunAsync(NixCli.WithFeatures("key", "convert-secret-to-public"), cancellationToken, standardInput: secret).ConfigureAwait(false);
        if (!converted.Succeeded)
            throw new NixDeployException(ErrorCodes.NixCommandFailed, $"'nix key convert-secret-to-public' failed: {NixMessages.Trim(converted.StandardError)}");
        var publicKey = converted.StandardOutput.Trim();

        Directory.CreateDirectory(directory);
        // Created with mode 600 before a byte of the secret is written (Nix, and so this, runs on Unix only).
        var secretOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            secretOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(secretFile, secretOptions))
        using (var writer = new StreamWriter(stream))
            await writer.WriteAsync(secret + "\n").ConfigureAwait(false);
        await File.WriteAllTextAsync(publicFile, publicKey + "\n", cancellationToken).ConfigureAwait(false);
        return (secretFile, publicFile, publicKey);
    }
}
