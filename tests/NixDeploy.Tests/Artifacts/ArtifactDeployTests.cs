using System.Text.Json.Nodes;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Artifacts;

public sealed class ArtifactDeployHosts() : TestHosts(first: 140, count: 7);

/// <summary>
/// Deploy places each machine's artifact files on real test hosts before activation, decrypted there with the host's
/// own SSH host key (the harness's keys are the age recipients): declared owner, group and mode, outside the store.
/// </summary>
public sealed class ArtifactDeployTests(ArtifactDeployHosts hosts) : IClassFixture<ArtifactDeployHosts>
{
    private const string Store = """
        builtins.mapAttrs (name: _: {
          ssh = {
            file.key = { };
            file."key.pub" = { secret = false; mode = "0444"; };
            generator = ''ssh-keygen -q -t ed25519 -N "" -C "$machine" -f "$out/key"'';
          };
          cluster-token = {
            shared = true;
            file.token = { path = "/run/secrets/cluster-token"; owner = "daemon"; group = "root"; mode = "0440"; };
            generator = ''head -c 24 /dev/urandom | base64 > "$out/token"'';
          };
        }) machines
        """;

    // Secrets from a command backend and from an ephemeral generator reach the host encrypted to its key on the way.
    private const string VaultAndEphemeral = """
        {
          web-1.api = { file.token.path = "/run/secrets/api-token"; serialize = "vault"; deserialize = "vault"; generator = "echo vault-token > $out/token"; };
          web-1.session = { file.nonce.path = "/run/secrets/nonce"; serialize = "none"; generator = "echo nonce-of-$machine > $out/nonce"; };
        }
        """;

    [Fact]
    public async Task Secrets_from_a_command_backend_and_an_ephemeral_generator_are_placed_too()
    {
        var a = hosts.Lease(1);
        var keys = await KeysOfAsync(("web-1", a[0]));
        using var project = await ProjectAsync("vaultdeploy", keys, VaultAndEphemeral, ("web-1", a[0]), ArtifactFleet.VaultBackend);

        var result = await Deploy(project).WithEnvironment("VAULT", Path.Combine(keys.Folder, "vault")).BuildAsync();

        result.AssertSucceeded();
        Assert.Equal("vault-token", await hosts.RunAsync(a[0], "cat /run/secrets/api-token"));
        Assert.Equal("nonce-of-web-1", await hosts.RunAsync(a[0], "cat /run/secrets/nonce"));
        Assert.Equal("root root 400", await hosts.RunAsync(a[0], "stat -c '%U %G %a' /run/secrets/nonce"));
        Assert.DoesNotContain("vault-token", result.DetailedLog);
        Assert.DoesNotContain("nonce-of-web-1", result.DetailedLog);
        // The machine's log from its host (activation and health checks) holds no secret either.
        var logs = Directory.GetFiles(project.PathOf("bin/nixdeploy/logs"));
        Assert.NotEmpty(logs);
        foreach (var log in logs)
        {
            Assert.DoesNotContain("vault-token", File.ReadAllText(log));
            Assert.DoesNotContain("nonce-of-web-1", File.ReadAllText(log));
        }
    }

    [Fact]
    public async Task Each_host_gets_its_files_with_the_declared_owner_group_and_mode_decrypted_with_its_own_host_key()
    {
        var a = hosts.Lease(2);
        var keys = await KeysOfAsync(("web-1", a[0]), ("web-2", a[1]));
        using var project = await ProjectAsync("place", keys, Store, ("web-1", a[0]), ("web-2", a[1]));

        var result = await Deploy(project).BuildAsync();

        result.AssertSucceeded();
        // The age round trip with the harness's host keys: each host decrypts its own key, not the other's.
        var web1Key = project.PathOf("artifacts/per-machine/web-1/ssh/key");
        Assert.NotNull(await ArtifactKeys.DecryptAsync(keys.HostIdentityFile("web-1"), web1Key));
        Assert.Null(await ArtifactKeys.DecryptAsync(keys.HostIdentityFile("web-2"), web1Key));

        foreach (var (machine, address) in new[] { ("web-1", a[0]), ("web-2", a[1]) })
        {
            var key = $"/run/nixdeploy/artifacts/per-machine/{machine}/ssh/key";
            Assert.Equal("root root 400", await hosts.RunAsync(address, $"stat -c '%U %G %a' {key}"));
            Assert.Equal(await ArtifactKeys.DecryptAsync(keys.AdminIdentityFile, project.PathOf($"artifacts/per-machine/{machine}/ssh/key")),
                await hosts.RunAsync(address, $"cat {key}") + "\n");
            Assert.Equal("root root 444", await hosts.RunAsync(address, $"stat -c '%U %G %a' {key}.pub"));
            Assert.Equal(File.ReadAllText(project.PathOf($"artifacts/per-machine/{machine}/ssh/key.pub")).Trim(), await hosts.RunAsync(address, $"cat {key}.pub"));
            Assert.Equal("daemon root 440", await hosts.RunAsync(address, "stat -c '%U %G %a' /run/secrets/cluster-token"));
        }
        Assert.Equal(await hosts.RunAsync(a[0], "cat /run/secrets/cluster-token"), await hosts.RunAsync(a[1], "cat /run/secrets/cluster-token"));
        // Each host has only its own machine's files, and the files are on the hosts, not on the deployer.
        Assert.Equal("no", await hosts.RunAsync(a[1], "[ -e /run/nixdeploy/artifacts/per-machine/web-1 ] && echo yes || echo no"));
        Assert.False(File.Exists("/run/secrets/cluster-token"));
        Assert.Equal("deployed", Status(project, "web-1"));
        // The plaintext went from the repository's ciphertext to the host without passing through the deploy's log.
        var plaintext = (await ArtifactKeys.DecryptAsync(keys.AdminIdentityFile, web1Key))!.Split('\n')[1];
        Assert.DoesNotContain(plaintext, result.DetailedLog + result.StandardOutput);
    }

    [Fact]
    public async Task A_host_that_is_not_a_recipient_cannot_decrypt_and_is_not_activated()
    {
        var a = hosts.Lease(2);
        var keys = await KeysOfAsync(("web-1", a[0]), ("web-2", a[1]));
        // web-2's secrets are encrypted to web-1's host key, so web-2 cannot decrypt them with its own.
        var wrongKeys = keys.WithPublicKey("web-2", keys.HostPublicKeys["web-1"]);
        using var project = await ProjectAsync("notrecipient", wrongKeys, Store, ("web-1", a[0]), ("web-2", a[1]));

        var result = await Deploy(project).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors, e => e.Code == "ND6015");
        Assert.StartsWith("web-2", error.Message);
        Assert.Contains("cannot decrypt", error.Message);
        Assert.Equal("", await hosts.LiveSystemAsync(a[1]));
        Assert.Equal("no", await hosts.RunAsync(a[1], "ls -A /run/nixdeploy/artifacts/per-machine/web-2/ssh 2>/dev/null | grep -q . && echo yes || echo no"));
        Assert.Equal("deployed", Status(project, "web-1"));
    }

    [Fact]
    public async Task A_rollback_puts_back_the_files_the_previous_system_had()
    {
        var a = hosts.Lease(1);
        var keys = await KeysOfAsync(("web-1", a[0]));
        using var project = await ProjectAsync("rollback", keys, """
            { web-1.api = { file.token.path = "/run/secrets/api-token"; generator = "head -c 16 /dev/urandom | base64 > $out/token"; }; }
            """, ("web-1", a[0]));
        (await Deploy(project).BuildAsync()).AssertSucceeded();
        var first = await hosts.RunAsync(a[0], "cat /run/secrets/api-token");
        var firstSystem = await hosts.LiveSystemAsync(a[0]);
        project.WriteFile("machines/web-1.nix", File.ReadAllText(project.PathOf("machines/web-1.nix"))
            .Replace("nixdeploy.standin.services.web.healthy = true;", "nixdeploy.standin.services.web.healthy = true;\n  nixdeploy.standin.activation = \"fail\";"));
        await GitRepository.CommitAllAsync(project.Directory, "failing activation");

        var result = await Deploy(project).WithProperty("NixDeployRegenerateArtifacts", "api").BuildAsync();

        result.AssertFailed();
        Assert.Equal("rolled-back", Status(project, "web-1"));
        Assert.Equal(firstSystem, await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(first, await hosts.RunAsync(a[0], "cat /run/secrets/api-token"));
        Assert.Equal("root root 400", await hosts.RunAsync(a[0], "stat -c '%U %G %a' /run/secrets/api-token"));
    }

    [Fact]
    public async Task A_host_whose_deployer_vanishes_after_activation_rolls_back_its_files_too()
    {
        var a = hosts.Lease(1);
        var keys = await KeysOfAsync(("web-1", a[0]));
        using var project = await ProjectAsync("cutofffiles", keys, """
            { web-1.api = { file.token = { path = "/run/secrets/api-token"; owner = "daemon"; mode = "0440"; }; generator = "head -c 16 /dev/urandom | base64 > $out/token"; }; }
            """, ("web-1", a[0]));
        (await Deploy(project).BuildAsync()).AssertSucceeded();
        var first = await hosts.RunAsync(a[0], "cat /run/secrets/api-token");
        var firstSystem = await hosts.LiveSystemAsync(a[0]);
        // The confirmed deploy kept no copies of what it replaced.
        Assert.Equal("api-token", await hosts.RunAsync(a[0], "ls -A /run/secrets"));
        // v2 regenerates the token and adds a file, which the rollback has to remove; a slow health check keeps the
        // deployer busy after activation, long enough to cut it off.
        project.WriteFile("artifacts.nix", ArtifactFleet.ArtifactsNix(keys, """
            { web-1.api = {
                file.token = { path = "/run/secrets/api-token"; owner = "root"; mode = "0400"; };
                file.added = { path = "/run/secrets/added"; };
                generator = "head -c 16 /dev/urandom | base64 > $out/token; echo new > $out/added";
              }; }
            """, ""));
        var v1 = DeployFleet.Machine("web-1", a[0]);
        var v2 = v1 with
        {
            Configuration = v1.Configuration + "\n  services.extra.enable = true;",
            HealthChecksNix = """[ { command = "sleep 20"; timeout = 6; interval = 1; } ]""",
        };
        // Not TestFleet's flake.nix: it has no artifacts output.
        foreach (var (path, content) in new TestFleet().Machine(v2).Files().Where(f => f.Key != "flake.nix"))
            project.WriteFile(path, content);
        await GitRepository.CommitAllAsync(project.Directory, "v2: new artifact, slow health check");

        var deploy = Deploy(project).WithProperty("NixDeployRegenerateArtifacts", "api").BuildAsync();
        await TestHosts.WaitUntilAsync(async () => deploy.IsCompleted || (await hosts.LiveSystemAsync(a[0])) is var live && live.Length > 0 && live != firstSystem,
            TimeSpan.FromSeconds(120), "the new system to be activated");
        Assert.False(deploy.IsCompleted, "the deploy ended before it could be cut off");
        Assert.NotEqual(first, await hosts.RunAsync(a[0], "cat /run/secrets/api-token"));
        Assert.Equal("root root 400", await hosts.RunAsync(a[0], "stat -c '%U %G %a' /run/secrets/api-token"));
        Assert.Equal("new", await hosts.RunAsync(a[0], "cat /run/secrets/added"));
        DeployerProcesses.KillAll(project.ProjectFile);
        await deploy.ContinueWith(_ => { });

        // Health-check budget (6 s) + NixDeployConfirmTimeout (3 s) after activation, plus slack.
        await TestHosts.WaitUntilAsync(async () => !await hosts.WatchdogArmedAsync(a[0]), TimeSpan.FromSeconds(40), "the host to roll back by itself");
        Assert.Equal(firstSystem, await hosts.LiveSystemAsync(a[0]));
        Assert.Contains("rolled-back", await hosts.RunAsync(a[0], "cat /run/nixdeploy/*/watchdog.log"));
        Assert.Equal(first, await hosts.RunAsync(a[0], "cat /run/secrets/api-token"));
        Assert.Equal("daemon root 440", await hosts.RunAsync(a[0], "stat -c '%U %G %a' /run/secrets/api-token"));
        // The file v2 added is gone, and no kept copies are left.
        Assert.Equal("api-token", await hosts.RunAsync(a[0], "ls -A /run/secrets"));
    }

    private Task<ArtifactKeys> KeysOfAsync(params (string Machine, string Address)[] machines) => ArtifactKeys.OfTestHostsAsync(hosts, machines);

    private Task<TestProject> ProjectAsync(string name, ArtifactKeys keys, string store, params (string Machine, string Address)[] machines) =>
        ArtifactFleet.DeployableProject(hosts, name, keys, store, machines).CreateAsync();

    private Task<TestProject> ProjectAsync(string name, ArtifactKeys keys, string store, (string Machine, string Address) machine, string extra) =>
        ArtifactFleet.DeployableProject(hosts, name, keys, store, [machine], extra).CreateAsync();

    private static DotnetBuild Deploy(TestProject project) => ArtifactFleet.Build(project).WithTargets("Deploy");

    private static string Status(TestProject project, string machine) =>
        JsonNode.Parse(File.ReadAllText(project.PathOf("bin/nixdeploy/deploy-report.json")))!["machines"]![machine]!["status"]!.GetValue<string>();
}
