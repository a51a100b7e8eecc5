using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>`dotnet nixdeploy cache keygen` run as a user runs it: real Nix makes the key, the files are checked on disk.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CacheKeygenToolTests
{
    [Fact]
    public async Task Keygen_writes_a_private_nix_secret_key_whose_public_key_it_prints_and_never_prints_the_secret()
    {
        var folder = TestRunDirectory.CreateFolder("tool-keygen");

        var result = await InstalledTool.RunAsync(folder, "cache", "keygen", "--name", "cache.example.org-1", "--output", "keys");

        Assert.True(result.ExitCode == 0, result.ToString());
        var secretFile = Path.Combine(folder, "keys", "cache.example.org-1.secret");
        var publicFile = Path.Combine(folder, "keys", "cache.example.org-1.public");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
        var secret = File.ReadAllText(secretFile).Trim();
        // Nix itself reads the file back: convert-secret-to-public only accepts its generate-secret format.
        var publicKey = (await CacheNix.NixAsync(secret, "key", "convert-secret-to-public")).Trim();
        Assert.StartsWith("cache.example.org-1:", publicKey);
        Assert.Equal(publicKey, File.ReadAllText(publicFile).Trim());
        Assert.Contains(publicKey, result.StandardOutput.Split('\n').Select(line => line.Trim()));
        Assert.DoesNotContain(secret.Split(':')[1], result.All);

        // An existing key is never overwritten: a bad-input error, and the secret file is left as it was.
        var again = await InstalledTool.RunAsync(folder, "cache", "keygen", "--name", "cache.example.org-1", "--output", "keys");
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Matches(@"error ND\d{4}: .*already exists", again.StandardError);
        Assert.Equal(secret, File.ReadAllText(secretFile).Trim());
        TestRunDirectory.Remove(folder);
    }
}
