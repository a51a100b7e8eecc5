using NixDeploy.Diagnostics;
using System.Text.Json.Nodes;
using NixDeploy.Deploy;
using NixDeploy.Manifest;
using NixDeploy.Ssh;
using NixDeploy.Tests.Artifacts;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Manifest;

/// <summary>
/// deployment.json (schema version 2) is the whole contract of a rollout: every machine's desired state whatever the
/// build selected, the selection beside it, the project's deploy policy, and artifact files that travel without the
/// repository, never a secret in clear. Real flakes, real Nix builds.
/// </summary>
public sealed class DeploymentContractTests
{
    [Fact]
    public async Task A_selection_builds_only_its_machines_and_every_other_machine_keeps_its_desired_state()
    {
        using var project = await PipelineBuildTests.ThreeMachines().Project("keep").CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var first = Manifests.Closures(Manifests.Read(project));
        var previous = Path.Combine(project.Folder, "previous-deployment.json");
        File.Copy(Manifests.PathIn(project), previous);
        // Both web-1 and db-1 change in the flake; only web-1 is selected, so only web-1 is evaluated and built.
        Reconfigure(project, "web-1");
        Reconfigure(project, "db-1");
        await GitRepository.CommitAllAsync(project.Directory, "change web-1 and db-1");

        var selected = await project.Dotnet().WithProperty("NixDeployOn", "web-1").WithProperty("NixDeployPreviousManifest", previous).BuildAsync();

        selected.AssertSucceeded();
        var manifest = Manifests.Read(project);
        Assert.Equal(2, manifest["schemaVersion"]!.GetValue<int>());
        var closures = Manifests.Closures(manifest);
        Assert.Equal(["db-1", "web-1", "web-2"], closures.Keys.Order());
        Assert.NotEqual(first["web-1"], closures["web-1"]);
        Assert.Equal(first["web-2"], closures["web-2"]);
        Assert.Equal(first["db-1"], closures["db-1"]);
        Assert.Equal(["db-1", "web-1", "web-2"], manifest["blueprint"]!.AsObject().Select(pair => pair.Key).Order());
        Assert.Equal("web-1", manifest["selection"]!["expression"]!.GetValue<string>());
        Assert.Equal(["web-1"], Strings(manifest["selection"]!["machines"]!));
        Assert.Equal(new Dictionary<string, string> { ["web-1"] = "changed" }, Manifests.Changes(manifest));

        // Without a previous manifest, the deployment.json being replaced holds the other machines' state.
        var other = await project.Dotnet().WithProperty("NixDeployOn", "@web").BuildAsync();

        other.AssertSucceeded();
        var second = Manifests.Read(project);
        Assert.Equal(closures, Manifests.Closures(second));
        Assert.Equal(["web-1", "web-2"], Strings(second["selection"]!["machines"]!));

        // A machine that left the blueprint is gone, and removed.
        File.Delete(project.PathOf("machines/db-1.nix"));
        File.WriteAllText(project.PathOf("machines.nix"), File.ReadAllText(project.PathOf("machines.nix")).Split('\n').Where(line => !line.Contains("db-1")).Aggregate((a, b) => a + "\n" + b));
        await GitRepository.CommitAllAsync(project.Directory, "retire db-1");

        var retired = await project.Dotnet().WithProperty("NixDeployOn", "web-2").WithProperty("NixDeployPreviousManifest", previous).BuildAsync();

        retired.AssertSucceeded();
        var third = Manifests.Read(project);
        Assert.Equal(["web-1", "web-2"], Manifests.Closures(third).Keys.Order());
        Assert.Equal(first["web-1"], Manifests.Closures(third)["web-1"]);
        Assert.False(third["blueprint"]!.AsObject().ContainsKey("db-1"));
        Assert.Equal(new Dictionary<string, string> { ["db-1"] = "removed", ["web-2"] = "unchanged" }, Manifests.Changes(third));
    }

    [Fact]
    public async Task A_version_1_document_is_read_as_the_previous_deployment_and_its_machines_are_kept()
    {
        using var project = await PipelineBuildTests.ThreeMachines().Project("version1").CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var first = Manifests.Closures(Manifests.Read(project));
        // What the SDK wrote before version 2: no selection, no policy, closures of the selection only.
        var v1 = Manifests.Read(project);
        v1["schemaVersion"] = 1;
        v1.Remove("selection");
        v1.Remove("policy");
        v1["closures"]!.AsObject().Remove("db-1");
        var previous = Path.Combine(project.Folder, "v1-deployment.json");
        File.WriteAllText(previous, v1.ToJsonString());
        File.Delete(Manifests.PathIn(project));

        var result = await project.Dotnet().WithProperty("NixDeployOn", "web-1").WithProperty("NixDeployPreviousManifest", previous).BuildAsync();

        result.AssertSucceeded();
        var manifest = Manifests.Read(project);
        Assert.Equal(2, manifest["schemaVersion"]!.GetValue<int>());
        // web-2 keeps its closure from the version 1 document; db-1 had none there and is not built now.
        Assert.Equal(new Dictionary<string, string> { ["web-1"] = first["web-1"], ["web-2"] = first["web-2"] }, Manifests.Closures(manifest));
        Assert.Equal(new Dictionary<string, string> { ["web-1"] = "unchanged" }, Manifests.Changes(manifest));
        // Readers of a built deployment.json (Deploy, status, plan) read version 1 too: its closures are its selection.
        var read = ManifestFile.ReadBuilt(previous);
        Assert.Null(read.Selection);
        Assert.Null(read.Policy);
        Assert.Equal(["web-1", "web-2"], read.SelectedMachines.Order());
        Assert.Equal(["web-1", "web-2"], ManifestFile.ReadBuiltClosures(previous).Keys.Order());
        Assert.Equal(new DeploySettings(Ssh()), DeploySettings.FromPolicy(read.Policy, Ssh(), previous));
    }

    [Fact]
    public async Task The_policy_is_the_projects_deploy_settings_and_turns_back_into_the_same_settings()
    {
        using var project = await PipelineBuildTests.ThreeMachines().Project("policy", p => p
                .Property("NixDeployParallelism", "3")
                .Property("NixDeployOnFailure", "Halt")
                .Property("NixDeployConfirmTimeout", "7")
                .Property("NixDeployActivationTimeout", "50"))
            .CreateAsync();

        var result = await project.Dotnet().WithProperty("NixDeployOn", "db-1").BuildAsync();

        result.AssertSucceeded();
        Assert.Equal("""{"parallelism":3,"onFailure":"halt","confirmTimeoutSeconds":7,"activationTimeoutSeconds":50}""",
            Manifests.Read(project)["policy"]!.ToJsonString());
        var policy = ManifestFile.ReadBuilt(Manifests.PathIn(project)).Policy;
        // What the Deploy task parses from the same properties.
        var fromProject = new DeploySettingsText(null, null, null, null, "3", "Halt", null, "7", "50", null).Parse(project.ProjectFile, SettingLayers.File(project.ProjectFile));
        Assert.Equal(fromProject, DeploySettings.FromPolicy(policy, fromProject.Ssh, Manifests.PathIn(project)));

        // Unset, the document records the core's defaults, as the Deploy task would use them.
        using var defaults = await PipelineBuildTests.ThreeMachines().Project("defaultpolicy").CreateAsync();
        (await defaults.Dotnet().WithProperty("NixDeployOn", "db-1").BuildAsync()).AssertSucceeded();
        Assert.Equal(new DeploySettings(Ssh()), DeploySettings.FromPolicy(ManifestFile.ReadBuilt(Manifests.PathIn(defaults)).Policy, Ssh(), (string?)null));
    }

    [Theory]
    [InlineData(0, "continue", 30, "NixDeployParallelism is 0")]
    [InlineData(10, "sometimes", 30, "NixDeployOnFailure 'sometimes'")]
    [InlineData(10, "halt", 0, "NixDeployConfirmTimeout is 0")]
    public void A_document_whose_policy_is_out_of_range_is_a_coded_error_blaming_the_document(int parallelism, string onFailure, int confirm, string message)
    {
        var e = Assert.Throws<NixDeploy.Diagnostics.NixDeployException>(() =>
            DeploySettings.FromPolicy(new DeploymentPolicy(parallelism, onFailure, confirm, 240), Ssh(), "/srv/deployment.json"));

        Assert.Equal("ND5011", e.Code);
        Assert.Contains(message, e.Diagnostics[0].Message);
        Assert.Equal("/srv/deployment.json", e.Diagnostics[0].File);
    }

    [Fact]
    public async Task A_selection_that_cannot_read_the_deployment_json_it_replaces_fails_and_keeps_it()
    {
        using var project = await PipelineBuildTests.ThreeMachines().Project("unreadable").CreateAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(Manifests.PathIn(project))!);
        File.WriteAllText(Manifests.PathIn(project), "{ \"schemaVersion\": 2, \"closures\": ");

        var result = await project.Dotnet().WithProperty("NixDeployOn", "web-1").BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors.DistinctBy(e => e.Message), e => e.Code == "ND1310");
        Assert.EndsWith("bin/nixdeploy/deployment.json", error.File);
        Assert.Contains("would lose their desired state", error.Message);
        Assert.Equal("{ \"schemaVersion\": 2, \"closures\": ", File.ReadAllText(Manifests.PathIn(project)));
    }

    // A secret kept by a command backend and one generated at every deploy exist in clear only on the deployer.
    private const string NotCarried = """
        {
          web-1.wireguard = { file.key = { path = "/run/secrets/wg-key"; }; file.pub = { secret = false; }; generator = "echo wg-secret-$RANDOM > $out/key; echo wg-public > $out/pub"; };
          web-1.api = { file.token.path = "/run/secrets/api-token"; serialize = "vault"; deserialize = "vault"; generator = "echo vault-token-$RANDOM > $out/token"; };
          web-2.session = { file.nonce.path = "/run/secrets/nonce"; serialize = "none"; generator = "echo nonce-$RANDOM > $out/nonce"; };
        }
        """;

    [Fact]
    public async Task Age_ciphertext_and_public_files_travel_in_the_document_and_a_secret_never_does_in_clear()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("carried", keys, NotCarried, ArtifactFleet.VaultBackend).CreateAsync();
        var vault = Path.Combine(keys.Folder, "vault");

        var result = await ArtifactFleet.Build(project).WithEnvironment("VAULT", vault).BuildAsync();

        result.AssertSucceeded();
        var document = File.ReadAllText(Manifests.PathIn(project));
        var manifest = JsonNode.Parse(document)!.AsObject();
        var wireguard = ArtifactFleet.ManifestArtifacts(manifest, "web-1")["wireguard"]["files"]!;
        // The secret travels as the repository's age ciphertext, which only the admins and the host decrypt.
        var stored = File.ReadAllBytes(project.PathOf("artifacts/per-machine/web-1/wireguard/key"));
        Assert.Equal(Convert.ToBase64String(stored), wireguard["key"]!["payload"]!.GetValue<string>());
        Assert.StartsWith("-----BEGIN AGE ENCRYPTED FILE-----", System.Text.Encoding.ASCII.GetString(stored));
        Assert.Equal("root root 0400 true", $"{wireguard["key"]!["owner"]} {wireguard["key"]!["group"]} {wireguard["key"]!["mode"]} {wireguard["key"]!["secret"]}");
        Assert.Equal(Convert.ToBase64String("wg-public\n"u8.ToArray()), wireguard["pub"]!["payload"]!.GetValue<string>());
        Assert.Equal(keys.HostIdentityFile("web-1"), manifest["ageIdentities"]!["web-1"]!.GetValue<string>());
        // The command backend's and the ephemeral secrets are not carried: only the repository's stored forms are.
        Assert.Null(ArtifactFleet.ManifestArtifacts(manifest, "web-1")["api"]["files"]!["token"]!["payload"]);
        Assert.Null(ArtifactFleet.ManifestArtifacts(manifest, "web-2")["session"]["files"]!["nonce"]!["payload"]);
        // No secret in clear, nor base64 of it.
        var wireguardSecret = (await ArtifactKeys.DecryptAsync(keys.AdminIdentityFile, project.PathOf("artifacts/per-machine/web-1/wireguard/key")))!.Trim();
        var vaultSecret = File.ReadAllText(Path.Combine(vault, "web-1-api-token")).Trim();
        Assert.StartsWith("wg-secret-", wireguardSecret);
        Assert.StartsWith("vault-token-", vaultSecret);
        foreach (var secret in new[] { wireguardSecret, vaultSecret })
        {
            Assert.DoesNotContain(secret, document);
            Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret + "\n")), document);
        }
        // Identical inputs give identical bytes.
        var again = await ArtifactFleet.Build(project).WithEnvironment("VAULT", vault).BuildAsync();
        again.AssertSucceeded();
        Assert.Equal(document, File.ReadAllText(Manifests.PathIn(project)));
    }

    [Fact]
    public async Task A_self_contained_document_for_a_control_plane_refuses_secrets_it_cannot_carry_and_writes_nothing()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("selfcontained", keys, NotCarried, ArtifactFleet.VaultBackend).CreateAsync();

        var result = await ArtifactFleet.Build(project).WithEnvironment("VAULT", Path.Combine(keys.Folder, "vault"))
            .WithProperty("NixDeployControlPlane", "https://deploy.example.org").BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var errors = result.Errors.Where(e => e.Code == "ND1311").DistinctBy(e => e.Message).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Message.StartsWith("web-1: file 'token' of artifact 'api'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.StartsWith("web-2: file 'nonce' of artifact 'session'", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Equal(project.PathOf("flake.nix"), e.File));
        Assert.False(File.Exists(Manifests.PathIn(project)));
    }

    private static SshOptions Ssh() => new(null, null);

    private static List<string> Strings(JsonNode array) => array.AsArray().Select(node => node!.GetValue<string>()).ToList();

    private static void Reconfigure(TestProject project, string machine) =>
        File.WriteAllText(project.PathOf($"machines/{machine}.nix"), $$"""{ ... }: { networking.hostName = "{{machine}}"; services.nginx.enable = true; }""");
}
