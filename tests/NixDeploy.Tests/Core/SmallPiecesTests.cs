using NixDeploy.Diagnostics;
using NixDeploy.IO;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Tests.Core;

public sealed class SmallPiecesTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("/nix/store/x-y", "/nix/store/x-y")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(reboot)", "'$(reboot)'")]
    [InlineData("", "''")]
    [InlineData("plain\n", "'plain\n'")]
    public void Shell_quoting_leaves_nothing_for_a_shell_to_interpret(string word, string quoted) =>
        Assert.Equal(quoted, ShellQuote.Quote(word));

    // A validation pattern ending in $ would also match before a trailing newline.
    [Theory]
    [InlineData("wireguard", true)]
    [InlineData("wireguard\n", false)]
    public void Artifact_names_owners_modes_and_paths_refuse_a_trailing_newline(string name, bool valid)
    {
        var suffix = valid ? "" : "\n";
        Assert.Equal(valid, NixDeploy.Artifacts.ArtifactNames.IsName(name));
        Assert.Equal(valid, NixDeploy.Artifacts.ArtifactNames.IsAccount("root" + suffix));
        Assert.Equal(valid, NixDeploy.Artifacts.ArtifactNames.IsMode("0400" + suffix));
        Assert.Equal(valid, NixDeploy.Artifacts.ArtifactNames.IsTargetPath("/run/secrets/key" + suffix));
        Assert.Equal(valid, NixDeploy.Artifacts.AgeRecipients.IsValid("age1" + new string('q', 58) + suffix));
    }

    [Fact]
    public async Task A_cache_key_name_with_a_trailing_newline_is_refused_before_nix_runs()
    {
        // A Nix that cannot start: reaching it would be ND1001, not the name check.
        var keys = new SigningKeys(new NixCli(new ProcessRunner(NullCommandLog.Instance), NixOptions.Default with { Executable = "/nonexistent/bin/nix" }));

        var e = await Assert.ThrowsAsync<NixDeployException>(() => keys.GenerateAsync("cache.example.org-1\n", Path.GetTempPath(), default));

        Assert.Equal(ErrorCodes.InvalidKeyName, e.Code);
    }

    [Theory]
    [InlineData("autoRolback", "autoRollback")]
    [InlineData("deploymnet", "deployment")]
    [InlineData("healtChecks", "healthChecks")]
    [InlineData("AUTOROLLBACK", "autoRollback")]
    [InlineData("files", "file")]
    [InlineData("xyzzy", null)]
    [InlineData("a", null)]
    public void The_nearest_known_name_is_suggested_only_when_it_is_close(string unknown, string? nearest) =>
        Assert.Equal(nearest, NearestName.Of(unknown, ["addr", "backend", "sshUser", "healthChecks", "autoRollback", "deployment", "file"]));

    [Theory]
    [InlineData("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-nixos-system-web-1-24.05", true)]
    [InlineData("/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x", false)]
    [InlineData("/nix/store/0123456789abcdfghijklmnpqrsvwxyz", false)]
    [InlineData("/tmp/0123456789abcdfghijklmnpqrsvwxyz-x", false)]
    [InlineData("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-x y", false)]
    [InlineData("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-x\n", false)]
    public void Store_paths_are_validated(string path, bool valid) => Assert.Equal(valid, StorePath.IsValid(path));

    [Theory]
    [InlineData("nix (Nix) 2.8.0", "2.8.0")]
    [InlineData("nix (Nix) 2.18.1pre20231010_abc", "2.18.1")]
    [InlineData("nix (Lix, like Nix) 2.91.1", "2.91.1")]
    public void Nix_versions_are_read_from_nix_version_output(string output, string version) =>
        Assert.Equal(version, NixVersion.Parse(output)!.ToNormalizedString());

    [Theory]
    [InlineData(null, "ND7003")]
    [InlineData("{\"schemaVersion\": 1, \"blueprint\": {}}", "ND5016")]
    [InlineData("{\"blueprint\": {}, \"closures\": {\"web-1\": 7}}", "ND5016")]
    [InlineData("{\"blueprint\": {}, \"closures\": ", "ND5016")]
    public void A_push_reads_only_the_closures_and_a_missing_or_broken_manifest_is_a_coded_error(string? content, string code)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nixdeploy-manifest-{Guid.NewGuid():N}.json");
        try
        {
            if (content is not null)
                File.WriteAllText(path, content);
            var e = Assert.Throws<NixDeployException>(() => ManifestFile.ReadBuiltClosures(path));
            Assert.Equal(code, e.Code);
            Assert.Equal(path, e.Diagnostics[0].File);

            File.WriteAllText(path, "{\"blueprint\": {\"web-1\": {}}, \"closures\": {\"web-1\": \"/nix/store/0123456789abcdfghijklmnpqrsvwxyz-x\"}}");
            Assert.Equal("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-x", ManifestFile.ReadBuiltClosures(path)["web-1"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Writing_the_same_content_again_keeps_the_file_and_its_timestamp()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nixdeploy-atomic-{Guid.NewGuid():N}.json");
        try
        {
            Assert.True(AtomicFile.WriteIfChanged(path, "one"));
            var written = DateTime.UtcNow.AddMinutes(-5);
            File.SetLastWriteTimeUtc(path, written);

            Assert.False(AtomicFile.WriteIfChanged(path, "one"));
            Assert.Equal(written, File.GetLastWriteTimeUtc(path));
            Assert.True(AtomicFile.WriteIfChanged(path, "two"));
            Assert.Equal("two", File.ReadAllText(path));
            Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*.tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
