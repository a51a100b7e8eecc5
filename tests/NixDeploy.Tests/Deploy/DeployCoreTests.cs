using System.Net;
using System.Text.Json;
using NixDeploy.Blueprint;
using NixDeploy.Deploy;
using NixDeploy.Deploy.Remote;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Processes;
using NixDeploy.Ssh;

namespace NixDeploy.Tests.Deploy;

/// <summary>The deploy core's pieces that need no host: SSH rendering, validation, settings, report, HTTP checks.</summary>
public sealed class DeployCoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixdeploy-deploy-core-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static DeploymentSpec Spec(string addr = "127.0.0.5", string user = "root", int port = 2222, IReadOnlyList<HealthCheckSpec>? checks = null) =>
        new(addr, "ssh", user, port, checks ?? [], AutoRollback: true);

    private string File(string name)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, "");
        return path;
    }

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
    }

    [Fact]
    public void Ssh_options_check_host_keys_strictly_by_default_never_prompt_and_go_unchanged_into_NIX_SSHOPTS()
    {
        var options = new SshOptions(File("id"), File("known_hosts"));
        var target = SshTarget.From("web-1", Spec(), null);

        var arguments = SshArguments.Options(options, target);

        Assert.Equal(["-p", "2222"], arguments.Take(2));
        Assert.Contains("StrictHostKeyChecking=yes", arguments);
        Assert.Contains("BatchMode=yes", arguments);
        Assert.Contains($"UserKnownHostsFile={options.KnownHostsFile}", arguments);
        Assert.Equal(options.IdentityFile, arguments[arguments.ToList().IndexOf("-i") + 1]);
        Assert.Equal(string.Join(' ', arguments), SshArguments.NixSshOpts(options, target));
        Assert.Equal("ssh://root@127.0.0.5", SshArguments.NixStoreUri(target));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Every_call_to_a_host_shares_one_connection_nix_copy_included_kept_open_unless_persist_is_zero()
    {
        var target = SshTarget.From("web-1", Spec(), null);
        var client = new SshClient(new SshOptions(null, File("known_hosts")), target, NullCommandLog.Instance);
        var socket = Assert.IsType<string>(client.ControlPath);

        var step = SshArguments.Options(client.Options, target, socket);
        var closing = SshArguments.Options(client.Options with { ControlPersistSeconds = 0 }, target, socket);

        Assert.Contains($"ControlPath={socket}", step);
        Assert.Contains("ControlMaster=auto", step);
        Assert.Contains("ControlPersist=60s", step);
        Assert.Contains("ControlPersist=no", closing);
        Assert.Contains($"-o ControlPath={socket} -o ControlMaster=auto -o ControlPersist=60s", SshArguments.NixSshOpts(client.Options, target, socket));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, System.IO.File.GetUnixFileMode(Path.GetDirectoryName(socket)!));
    }

    [Fact]
    public void A_connection_is_shared_only_under_the_same_credentials_and_the_same_known_host_keys()
    {
        var target = SshTarget.From("web-1", Spec(), null);
        var knownHosts = File("known_hosts");
        string? Socket(SshOptions options) => new SshClient(options, target, NullCommandLog.Instance).ControlPath;
        var first = Socket(new SshOptions(null, knownHosts));

        Assert.Equal(first, Socket(new SshOptions(null, knownHosts)));
        Assert.NotEqual(first, Socket(new SshOptions(File("id"), knownHosts)));
        Assert.NotEqual(first, Socket(new SshOptions(null, knownHosts, StrictHostKeyChecking: false)));
        Assert.NotEqual(first, new SshClient(new SshOptions(null, knownHosts), SshTarget.From("web-1", Spec(user: "deploy"), null), NullCommandLog.Instance).ControlPath);
        // The host got a new key (reinstalled, or a fresh test host at the same address).
        System.IO.File.WriteAllText(knownHosts, "[127.0.0.5]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKey\n");
        Assert.NotEqual(first, Socket(new SshOptions(null, knownHosts)));
    }

    [Fact]
    public void The_files_ssh_reads_for_a_host_follow_Includes_relative_to_each_config_s_directory_and_every_file_they_name_counts_with_ssh_s_defaults()
    {
        var home = Path.Combine(_directory, "home");
        var etc = Path.Combine(_directory, "etc-ssh");
        Write("home/.ssh/config", """
            Include conf.d/*.conf
            Host 127.0.0.5
              IdentityFile=~/.ssh/id_%r_%h_%p
            """);
        Write("home/.ssh/conf.d/fleet.conf", """
            # The fleet's hosts.
            Host 127.0.0.*
              UserKnownHostsFile ~/.ssh/fleet_known_hosts "%d/.ssh/with space" # two files
            """);
        Write("home/.ssh/conf.d/.hidden.conf", "IdentityFile ~/.ssh/hidden\n");
        Write("etc-ssh/ssh_config", "Include ssh_config.d/*.conf\n");
        Write("etc-ssh/ssh_config.d/global.conf", "GlobalKnownHostsFile /srv/known_hosts\nIdentityFile none\n");
        var target = SshTarget.From("web-1", new DeploymentSpec("127.0.0.5", "ssh", "deploy", 2222, [], AutoRollback: true), null);
        var files = new SshReadFiles(new LocalUser("me", home, 1000), etc);

        var read = files.For(new SshOptions(null, null), target);

        Assert.Equal(
        [
            $"{home}/.ssh/config", $"{home}/.ssh/conf.d/fleet.conf", $"{etc}/ssh_config", $"{etc}/ssh_config.d/global.conf",
            $"{home}/.ssh/fleet_known_hosts", $"{home}/.ssh/with space", $"{home}/.ssh/known_hosts", $"{home}/.ssh/known_hosts2",
            "/srv/known_hosts", $"{etc}/ssh_known_hosts", $"{etc}/ssh_known_hosts2",
            $"{home}/.ssh/id_deploy_127.0.0.5_2222",
        ], read.Take(12));
        Assert.Contains($"{home}/.ssh/id_ed25519", read);
        Assert.DoesNotContain($"{home}/.ssh/hidden", read);
        Assert.DoesNotContain(read, path => path.EndsWith("none", StringComparison.Ordinal));

        // The deployer's own known_hosts overrides the config's, as ssh's command line does.
        var own = files.For(new SshOptions("/keys/deployer", "/keys/known_hosts"), target);

        Assert.Contains("/keys/known_hosts", own);
        Assert.Contains("/keys/deployer", own);
        Assert.DoesNotContain($"{home}/.ssh/fleet_known_hosts", own);
        Assert.Contains("/srv/known_hosts", own);
    }

    [Fact]
    public void Turning_host_key_checking_off_is_explicit_and_keeps_no_known_hosts()
    {
        var arguments = SshArguments.Options(new SshOptions(null, null, StrictHostKeyChecking: false), SshTarget.From("web-1", Spec(), null));

        Assert.Contains("StrictHostKeyChecking=no", arguments);
        Assert.Contains("UserKnownHostsFile=/dev/null", arguments);
        Assert.DoesNotContain("-i", arguments);
    }

    [Fact]
    public void A_remote_command_is_one_argument_with_every_word_quoted_after_the_destination()
    {
        var client = new SshClient(new SshOptions(null, null), SshTarget.From("web-1", Spec(user: "deploy"), null), NullCommandLog.Instance);

        var arguments = client.Arguments(["sh", "-c", "echo 'hi'; reboot", "$(x)"]);

        Assert.Equal(["--", "deploy@127.0.0.5", "sh -c 'echo '\\''hi'\\''; reboot' '$(x)'"], arguments.TakeLast(3));
    }

    [Theory]
    [InlineData("-oProxyCommand=reboot", "root", "ND1109")]
    [InlineData("127.0.0.5;reboot", "root", "ND1109")]
    [InlineData("127.0.0.5", "-oProxyCommand=x", "ND1110")]
    [InlineData("127.0.0.5", "root user", "ND1110")]
    [InlineData("127.0.0.5\n", "root", "ND1109")]
    [InlineData("[::1]:22", "root", "ND1109")]
    [InlineData("127.0.0.5", "root\n", "ND1110")]
    public void Addresses_and_users_are_validated_before_any_connection(string addr, string user, string code)
    {
        var e = Assert.Throws<NixDeployException>(() => SshTarget.From("web-1", Spec(addr, user), "flake.nix"));

        Assert.Equal(code, e.Code);
        Assert.Equal("flake.nix", e.Diagnostics[0].File);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("86401")]
    [InlineData("a minute")]
    public void A_bad_NixDeploySshControlPersist_is_ND5012_naming_the_property(string value)
    {
        var e = Assert.Throws<NixDeployException>(() => new SshOptions(null, null,
            ControlPersistSeconds: SettingValues.Integer(value, SshOptions.DefaultControlPersistSeconds, "NixDeploySshControlPersist", SettingLayers.File("x.nixdeploy"), ErrorCodes.InvalidSshOption)).Validate(SettingLayers.File("x.nixdeploy")));

        Assert.Equal(ErrorCodes.InvalidSshOption, e.Code);
        Assert.Contains("NixDeploySshControlPersist", e.Message);
        Assert.Equal("x.nixdeploy", e.Diagnostics[0].File);
    }

    [Fact]
    public void Ssh_files_must_exist_and_have_no_whitespace_that_NIX_SSHOPTS_would_split()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "with space"));
        var spaced = File(Path.Combine("with space", "id"));

        var split = Assert.Throws<NixDeployException>(() => new SshOptions(spaced, null).Validate(SettingLayers.File("x.nixdeploy")));
        var missing = Assert.Throws<NixDeployException>(() => new SshOptions(null, Path.Combine(_directory, "nope")).Validate(SettingLayers.File("x.nixdeploy")));

        Assert.Equal(ErrorCodes.InvalidSshOption, split.Code);
        Assert.Contains("NixDeploySshIdentityFile", split.Message);
        Assert.Equal(ErrorCodes.InvalidSshOption, missing.Code);
        Assert.Contains("NixDeploySshKnownHostsFile", missing.Message);
        Assert.Equal("x.nixdeploy", missing.Diagnostics[0].File);
    }

    [Theory]
    [InlineData("NixDeployParallelism", "0")]
    [InlineData("NixDeployParallelism", "ten")]
    [InlineData("NixDeployConfirmTimeout", "-1")]
    [InlineData("NixDeployActivationTimeout", "0")]
    [InlineData("NixDeployDryRun", "maybe")]
    [InlineData("NixDeployOnFailure", "sometimes")]
    public void Bad_deploy_settings_are_ND5011_naming_the_property(string property, string value)
    {
        var e = Assert.Throws<NixDeployException>(() => new DeploySettings(
            new SshOptions(null, null),
            SettingValues.Integer(property == "NixDeployParallelism" ? value : null, 10, "NixDeployParallelism", SettingLayers.File("p")),
            property == "NixDeployOnFailure" ? FailurePolicies.Parse(value, SettingLayers.File("p")) : FailurePolicy.Continue,
            SettingValues.Boolean(property == "NixDeployDryRun" ? value : null, false, "NixDeployDryRun", SettingLayers.File("p")),
            SettingValues.Integer(property == "NixDeployConfirmTimeout" ? value : null, 30, "NixDeployConfirmTimeout", SettingLayers.File("p")),
            SettingValues.Integer(property == "NixDeployActivationTimeout" ? value : null, 240, "NixDeployActivationTimeout", SettingLayers.File("p"))).Validate(SettingLayers.File("p")));

        Assert.Equal(ErrorCodes.InvalidDeploySetting, e.Code);
        Assert.Contains(property, e.Message);
    }

    [Fact]
    public void Empty_settings_mean_the_defaults()
    {
        Assert.Equal(10, SettingValues.Integer("", 10, "NixDeployParallelism", SettingLayers.File(null)));
        Assert.True(SettingValues.Boolean(" ", true, "NixDeployStrictHostKeyChecking", SettingLayers.File(null)));
        Assert.Equal(FailurePolicy.Halt, FailurePolicies.Parse("Halt", SettingLayers.File(null)));
    }

    [Fact]
    public void The_report_is_camelCase_with_kebab_statuses_and_states_a_missing_previous_system()
    {
        var path = Path.Combine(_directory, "deploy-report.json");
        var report = new DeployReport(1, false, false, DateTimeOffset.UnixEpoch, 1.5, 10, FailurePolicy.Halt,
            new Dictionary<string, MachineReport>
            {
                ["web-1"] = new(MachineStatus.RolledBack, "127.0.0.5", null, "/nix/store/x", 1.2, [new StepDuration("activate", 0.5)], "ND5004", "failed"),
                ["web-2"] = new(MachineStatus.Unreachable, "127.0.0.6", MachineReport.UnknownPreviousClosure, "/nix/store/y", 1, [], "ND5001", "gone"),
            });

        DeployReport.Json.Write(path, report);

        using var json = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        var machine = json.RootElement.GetProperty("machines").GetProperty("web-1");
        Assert.Equal("halt", json.RootElement.GetProperty("onFailure").GetString());
        Assert.Equal("rolled-back", machine.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, machine.GetProperty("previousClosure").ValueKind);
        Assert.Equal("unknown", json.RootElement.GetProperty("machines").GetProperty("web-2").GetProperty("previousClosure").GetString());
        Assert.Equal(JsonValueKind.Null, machine.GetProperty("rebootRequired").ValueKind);
        Assert.Equal("ND5004", machine.GetProperty("errorCode").GetString());
        Assert.Equal("activate", machine.GetProperty("steps")[0].GetProperty("step").GetString());
        Assert.Equal(report.Machines["web-1"].Status, DeployReport.Json.Read(path).Machines["web-1"].Status);
        Assert.Single(Directory.GetFiles(_directory, "*deploy-report*"));
    }

    [Fact]
    public void Agent_output_is_read_as_key_value_lines_with_empty_meaning_none()
    {
        var result = new AgentResult(new ProcessResult(0, "previous=\narmed\ncurrent=/nix/store/abc\n", " oops \n", TimeSpan.Zero));

        Assert.True(result.Printed("previous"));
        Assert.Null(result.Value("previous"));
        Assert.Equal("/nix/store/abc", result.Value("current"));
        Assert.False(result.Printed("armed"));
        Assert.Equal("oops", result.StandardError);
    }

    [Fact]
    public async Task A_machine_without_a_built_closure_fails_with_ND5013_without_connecting()
    {
        var deployer = new MachineDeployer(new DeploySettings(new SshOptions(null, null)),
            new NixCopyTransport(new NixCli(new ProcessRunner(NullCommandLog.Instance), NixOptions.Default)),
            new HealthCheckRunner(new HttpClient()), NullCommandLog.Instance, Path.GetTempPath());

        var report = await deployer.DeployAsync(new MachinePlan("web-1", Spec(), null), null, CancellationToken.None);

        Assert.Equal(MachineStatus.Failed, report.Status);
        Assert.Equal(ErrorCodes.MachineNotBuilt, report.ErrorCode);
        Assert.Empty(report.Steps);
    }

    [Fact]
    public async Task An_HTTP_health_check_is_retried_every_interval_until_it_returns_the_expected_status()
    {
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent]);
        using var server = new LocalHttpServer(() => answers.Count > 1 ? answers.Dequeue() : answers.Peek());
        using var http = new HttpClient();
        var check = new HealthCheckSpec(true, null, server.Url, 204, Timeout: 10, Interval: 1);

        await new HealthCheckRunner(http).RunAsync("web-1", new RemoteAgent(Client()), "token", [check], CancellationToken.None);

        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task An_HTTP_health_check_that_never_passes_fails_with_ND5006_and_its_last_answer()
    {
        using var server = new LocalHttpServer(() => HttpStatusCode.InternalServerError);
        using var http = new HttpClient();
        var checks = new[]
        {
            new HealthCheckSpec(true, null, server.Url, 200, Timeout: 2, Interval: 1),
            new HealthCheckSpec(false, "exit 1", null, null, Timeout: 1, Interval: 1),
        };

        var e = await Assert.ThrowsAsync<NixDeployException>(() => new HealthCheckRunner(http).RunAsync("web-1", new RemoteAgent(Client()), "token", checks, CancellationToken.None));

        Assert.Equal(ErrorCodes.HealthCheckFailed, e.Code);
        Assert.Contains("HTTP 500, expected 200", e.Message);
        Assert.DoesNotContain("exit 1", e.Message);
        Assert.Equal(TimeSpan.FromSeconds(2), HealthCheckRunner.Budget(checks));
    }

    // URL checks never touch the host; the client only has to exist.
    private static SshClient Client() => new(new SshOptions(null, null), SshTarget.From("web-1", Spec(), null), NullCommandLog.Instance);
}
