using System.Security.Cryptography;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Artifacts;

/// <summary>The queue through real builds: generated once, stored age-encrypted or plain, reused, regenerated on demand.</summary>
public sealed class ArtifactQueueTests
{
    // Each machine's own SSH key pair, and one cluster token shared by all machines.
    public const string SshAndSharedToken = """
        builtins.mapAttrs (name: _: {
          ssh = {
            file.key = { };
            file."key.pub" = { secret = false; mode = "0444"; };
            generator = ''
              echo "ssh $machine" >> "$RUN_LOG"
              ssh-keygen -q -t ed25519 -N "" -C "$machine" -f "$out/key"
            '';
          };
          cluster-token = {
            shared = true;
            file.token = { path = "/run/secrets/cluster-token"; group = "wheel"; mode = "0440"; };
            generator = ''
              echo "token" >> "$RUN_LOG"
              head -c 24 /dev/urandom | base64 > "$out/token"
            '';
          };
        }) machines
        """;

    [Fact]
    public async Task Per_machine_and_shared_artifacts_are_generated_once_stored_encrypted_and_reused_on_the_next_build()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("once", keys, SshAndSharedToken).CreateAsync();

        var first = await ArtifactFleet.Build(project).BuildAsync();

        first.AssertSucceeded();
        Assert.Equal(["ssh web-1", "ssh web-2", "token"], ArtifactFleet.Runs(project).Order());
        var web1Key = project.PathOf("artifacts/per-machine/web-1/ssh/key");
        var token = project.PathOf("artifacts/shared/cluster-token/token");
        Assert.StartsWith("-----BEGIN AGE ENCRYPTED FILE-----", File.ReadAllText(web1Key));
        Assert.StartsWith("ssh-ed25519 ", File.ReadAllText(project.PathOf("artifacts/per-machine/web-1/ssh/key.pub")));
        // Only the recipients can decrypt: the admin and the machine itself; a shared secret, every machine using it.
        Assert.Contains("PRIVATE KEY", await ArtifactKeys.DecryptAsync(keys.AdminIdentityFile, web1Key));
        Assert.Contains("PRIVATE KEY", await ArtifactKeys.DecryptAsync(keys.HostIdentityFile("web-1"), web1Key));
        Assert.Null(await ArtifactKeys.DecryptAsync(keys.HostIdentityFile("web-2"), web1Key));
        var tokenValue = await ArtifactKeys.DecryptAsync(keys.HostIdentityFile("web-2"), token);
        Assert.Equal(tokenValue, await ArtifactKeys.DecryptAsync(keys.HostIdentityFile("web-1"), token));

        var manifest = Manifests.Read(project);
        var web1 = ArtifactFleet.ManifestArtifacts(manifest, "web-1");
        Assert.Equal(["shared/cluster-token", "ssh"], web1.Keys.Order());
        var keyEntry = web1["ssh"]["files"]!["key"]!;
        Assert.Equal("/run/nixdeploy/artifacts/per-machine/web-1/ssh/key", keyEntry["path"]!.GetValue<string>());
        Assert.Equal(Sha256(web1Key), keyEntry["sha256"]!.GetValue<string>());
        Assert.Equal("/run/secrets/cluster-token", web1["shared/cluster-token"]["files"]!["token"]!["path"]!.GetValue<string>());
        Assert.Equal(web1["shared/cluster-token"].ToJsonString(), ArtifactFleet.ManifestArtifacts(manifest, "web-2")["shared/cluster-token"].ToJsonString());

        var stored = SnapshotOf(project);
        var manifestBytes = File.ReadAllText(Manifests.PathIn(project));
        var second = await ArtifactFleet.Build(project).BuildAsync();

        second.AssertSucceeded();
        Assert.Equal(3, ArtifactFleet.Runs(project).Count);
        Assert.True(second.TargetSkipped("_NixDeployEvaluateArtifacts"), "the artifacts were evaluated again although nothing changed");
        Assert.True(second.TargetSkipped("_NixDeployRunArtifactQueue"), "the queue ran although nothing changed");
        Assert.False(Manifests.RanNix(second));
        Assert.Equal(stored, SnapshotOf(project));
        Assert.Equal(manifestBytes, File.ReadAllText(Manifests.PathIn(project)));
    }

    [Fact]
    public async Task Regeneration_on_demand_replaces_only_the_named_artifact_and_a_deleted_file_is_generated_again()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("regen", keys, SshAndSharedToken).CreateAsync();
        (await ArtifactFleet.Build(project).BuildAsync()).AssertSucceeded();
        var before = SnapshotOf(project);
        var previous = Path.Combine(project.Folder, "previous-deployment.json");
        File.Copy(Manifests.PathIn(project), previous);

        var regenerated = await ArtifactFleet.Build(project).WithProperty("NixDeployRegenerateArtifacts", "web-1/ssh")
            .WithProperty("NixDeployPreviousManifest", previous).BuildAsync();

        regenerated.AssertSucceeded();
        // Same closures, but web-1 has new files to receive: a deploy of the changed machines must include it.
        Assert.Equal(new Dictionary<string, string> { ["web-1"] = "changed", ["web-2"] = "unchanged" }, Manifests.Changes(Manifests.Read(project)));
        var after = SnapshotOf(project);
        Assert.NotEqual(before["per-machine/web-1/ssh/key"], after["per-machine/web-1/ssh/key"]);
        Assert.NotEqual(before["per-machine/web-1/ssh/key.pub"], after["per-machine/web-1/ssh/key.pub"]);
        Assert.Equal(before["per-machine/web-2/ssh/key"], after["per-machine/web-2/ssh/key"]);
        Assert.Equal(before["shared/cluster-token/token"], after["shared/cluster-token/token"]);
        Assert.Equal(Sha256(project.PathOf("artifacts/per-machine/web-1/ssh/key")),
            ArtifactFleet.ManifestArtifacts(Manifests.Read(project), "web-1")["ssh"]["files"]!["key"]!["sha256"]!.GetValue<string>());

        File.Delete(project.PathOf("artifacts/shared/cluster-token/token"));
        var afterDelete = await ArtifactFleet.Build(project).BuildAsync();

        afterDelete.AssertSucceeded();
        Assert.Equal(["ssh web-1", "ssh web-1", "ssh web-2", "token", "token"], ArtifactFleet.Runs(project).Order());
        Assert.True(File.Exists(project.PathOf("artifacts/shared/cluster-token/token")));
    }

    [Fact]
    public async Task A_changed_host_key_is_a_warning_and_regenerating_encrypts_to_the_new_key()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("rotate", keys, SshAndSharedToken).CreateAsync();
        (await ArtifactFleet.Build(project).BuildAsync()).AssertSucceeded();
        var rotated = await ArtifactKeys.CreateAsync("web-2");
        var newKeys = keys.WithPublicKey("web-2", rotated.HostPublicKeys["web-2"]);
        project.WriteFile("artifacts.nix", ArtifactFleet.ArtifactsNix(newKeys, SshAndSharedToken, ""));
        await Infrastructure.GitRepository.CommitAllAsync(project.Directory, "web-2 has a new host key");

        var warned = await ArtifactFleet.Build(project).BuildAsync();

        warned.AssertSucceeded();
        Assert.Contains(warned.Warnings, w => w.Code == "ND6013" && w.Message.Contains("web-2/ssh/key"));
        Assert.Contains(warned.Warnings, w => w.Code == "ND6013" && w.Message.Contains("shared/cluster-token/token"));
        Assert.DoesNotContain(warned.Warnings, w => w.Message.Contains("web-1/ssh"));

        var regenerated = await ArtifactFleet.Build(project).WithProperty("NixDeployRegenerateArtifacts", "web-2/ssh,shared/cluster-token").BuildAsync();

        regenerated.AssertSucceeded();
        Assert.DoesNotContain(regenerated.Warnings, w => w.Code == "ND6013");
        Assert.NotNull(await ArtifactKeys.DecryptAsync(rotated.HostIdentityFile("web-2"), project.PathOf("artifacts/per-machine/web-2/ssh/key")));
        Assert.NotNull(await ArtifactKeys.DecryptAsync(rotated.HostIdentityFile("web-2"), project.PathOf("artifacts/shared/cluster-token/token")));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static Dictionary<string, string> SnapshotOf(TestProject project)
    {
        var root = project.PathOf("artifacts");
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path), File.ReadAllText);
    }
}
