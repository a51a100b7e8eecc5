using System.Security.Cryptography;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Artifacts;

/// <summary>Backends other than age: a user's command backend (here a folder standing in for a password manager) and skipped serialization.</summary>
public sealed class ArtifactBackendTests
{
    private const string VaultBackend = """
        backend.vault = {
          serialize = ''
            mkdir -p "$VAULT/$machine/$artifact"
            cp "$in" "$VAULT/$machine/$artifact/$file"
          '';
          deserialize = ''
            f="$VAULT/$machine/$artifact/$file"
            [ -f "$f" ] || exit 1
            cat "$f"
          '';
        };
        """;

    [Fact]
    public async Task A_command_backend_stores_secrets_outside_the_repository_and_reuses_them()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        var vault = Path.Combine(keys.Folder, "vault");
        using var project = await ArtifactFleet.Project("vault", keys, """
            {
              web-1.api = {
                file.token.secret = true;
                file.id = { secret = false; mode = "0444"; };
                serialize = "vault";
                deserialize = "vault";
                generator = ''
                  echo api >> "$RUN_LOG"
                  head -c 16 /dev/urandom | base64 > "$out/token"
                  echo client-1 > "$out/id"
                '';
              };
            }
            """, VaultBackend).CreateAsync();

        var first = await ArtifactFleet.Build(project).WithEnvironment("VAULT", vault).BuildAsync();

        first.AssertSucceeded();
        var token = Path.Combine(vault, "web-1", "api", "token");
        Assert.True(File.Exists(token));
        Assert.False(File.Exists(project.PathOf("artifacts/per-machine/web-1/api/token")), "the secret went into the repository");
        Assert.Equal("client-1\n", File.ReadAllText(project.PathOf("artifacts/per-machine/web-1/api/id")));
        var files = ArtifactFleet.ManifestArtifacts(Manifests.Read(project), "web-1")["api"]["files"]!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(token))), files["token"]!["sha256"]!.GetValue<string>());

        var second = await ArtifactFleet.Build(project).WithEnvironment("VAULT", vault).BuildAsync();

        second.AssertSucceeded();
        // The vault may change behind the build's back, so the queue asks it every build, and finds the token.
        Assert.True(second.TargetRan("_NixDeployRunArtifactQueue"));
        Assert.Equal(["api"], ArtifactFleet.Runs(project));
    }

    [Fact]
    public async Task A_failing_deserialize_script_is_an_error_not_a_reason_to_regenerate()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("vaultdown", keys, """
            { web-1.api = { file.token.secret = true; serialize = "vault"; deserialize = "vault"; generator = "echo api >> $RUN_LOG; echo t > $out/token"; }; }
            """, """backend.vault = { serialize = "exit 0"; deserialize = "echo 'vault is sealed' >&2; exit 2"; };""").CreateAsync();

        var result = await ArtifactFleet.Build(project).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors, e => e.Code == "ND6011");
        Assert.Contains("vault is sealed", error.Message);
        Assert.Empty(ArtifactFleet.Runs(project));
    }

    [Fact]
    public async Task A_failing_serialize_script_stores_none_of_the_artifacts_files()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("vaultfull", keys, """
            { web-1.api = { file.id.secret = false; file.token.secret = true; serialize = "vault"; deserialize = "vault"; generator = "echo 1 > $out/id; echo t > $out/token"; }; }
            """, """backend.vault = { serialize = "echo 'vault is full' >&2; exit 3"; deserialize = "exit 1"; };""").CreateAsync();

        var result = await ArtifactFleet.Build(project).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Contains(result.Errors, e => e.Code == "ND6010" && e.Message.Contains("vault is full") && e.Message.Contains("web-1/api/token"));
        // The public file was staged first; it is gone again, and so are the folders made for it.
        Assert.False(Directory.Exists(project.PathOf("artifacts")));
    }

    [Fact]
    public async Task An_artifact_with_serialization_skipped_is_generated_on_every_build_and_never_stored()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("ephemeral", keys, """
            { web-2.session = { file.nonce.secret = true; serialize = "none"; generator = "echo nonce >> $RUN_LOG; head -c 8 /dev/urandom | base64 > $out/nonce"; }; }
            """).CreateAsync();

        (await ArtifactFleet.Build(project).BuildAsync()).AssertSucceeded();
        (await ArtifactFleet.Build(project).BuildAsync()).AssertSucceeded();

        Assert.Equal(["nonce", "nonce"], ArtifactFleet.Runs(project));
        Assert.False(Directory.Exists(project.PathOf("artifacts")));
        var nonce = ArtifactFleet.ManifestArtifacts(Manifests.Read(project), "web-2")["session"]["files"]!["nonce"]!.AsObject();
        Assert.Equal("/run/nixdeploy/artifacts/per-machine/web-2/session/nonce", nonce["path"]!.GetValue<string>());
        Assert.False(nonce.ContainsKey("sha256"));
    }
}
