using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Manifest;

namespace NixDeploy.Tests.Core;

public sealed class BlueprintParserTests
{
    [Fact]
    public void The_seeds_blueprint_parses_with_every_field()
    {
        var machines = BlueprintParser.Parse("""
            { "worker-1": { "role": "worker", "cpu": 2.0, "memory": { "amount": 2.0, "unit": "GB" }, "labels": ["worker", "compute"],
              "replicas": 1, "deployment": { "addr": "192.168.1.11", "backend": "cloud-hypervisor", "sshUser": "root", "sshPort": 22,
              "healthChecks": [ { "enabled": true, "command": "systemctl is-active nginx", "timeout": 60, "interval": 10 } ], "autoRollback": true } } }
            """, "flake.nix");

        var worker = machines["worker-1"];
        Assert.Equal(new MemorySpec(2, "GB"), worker.Memory);
        Assert.Equal(["worker", "compute"], worker.Labels);
        Assert.Equal("192.168.1.11", worker.Deployment.Addr);
        Assert.Equal("cloud-hypervisor", worker.Deployment.Backend);
        var check = Assert.Single(worker.Deployment.HealthChecks);
        Assert.Equal(("systemctl is-active nginx", 60, 10), (check.Command, check.Timeout, check.Interval));
    }

    [Fact]
    public void Omitted_fields_take_the_defaults_and_a_string_blueprint_is_read_as_json()
    {
        var machines = BlueprintParser.Parse("\"{\\\"m\\\": { \\\"deployment\\\": { \\\"addr\\\": \\\"m.example\\\", \\\"healthChecks\\\": [ { \\\"url\\\": \\\"http://m.example/health\\\" } ] } } }\"", null);

        var m = machines["m"];
        Assert.Equal((BlueprintDefaults.Role, 1.0, 1, "ssh", "root", 22, true), (m.Role, m.Cpu, m.Replicas, m.Deployment.Backend, m.Deployment.SshUser, m.Deployment.SshPort, m.Deployment.AutoRollback));
        var check = Assert.Single(m.Deployment.HealthChecks);
        Assert.Equal((200, 60, 10, true), (check.ExpectedStatus!.Value, check.Timeout, check.Interval, check.Enabled));
    }

    [Theory]
    [InlineData("qemu")]
    [InlineData("Cloud-Hypervisor")]
    [InlineData("")]
    public void Other_backends_are_refused(string backend)
    {
        var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse(
            $$"""{ "m": { "deployment": { "addr": "m.example", "backend": "{{backend}}" } } }""", "flake.nix"));

        var error = Assert.Single(failure.Diagnostics);
        Assert.Equal("ND1105", error.Code);
        Assert.Contains("ssh, cloud-hypervisor", error.Message);
    }

    [Fact]
    public void A_pull_machine_needs_no_address_a_push_machine_does_and_push_is_the_default()
    {
        var machines = BlueprintParser.Parse("""
            { "laptop": { "deployment": { "mode": "pull" } }, "desk": { "deployment": { "mode": "pull", "addr": "desk.lan" } },
              "web": { "deployment": { "addr": "web.example" } } }
            """, "flake.nix");

        Assert.Equal((DeploymentMode.Pull, ""), (machines["laptop"].Deployment.Mode, machines["laptop"].Deployment.Addr));
        Assert.Equal((DeploymentMode.Pull, "desk.lan"), (machines["desk"].Deployment.Mode, machines["desk"].Deployment.Addr));
        Assert.Equal(DeploymentMode.Push, machines["web"].Deployment.Mode);
        var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse("""{ "web": { "deployment": { "mode": "push" } } }""", "flake.nix"));
        Assert.Equal("ND1103", Assert.Single(failure.Diagnostics).Code);
    }

    [Fact]
    public void Deployment_json_writes_the_mode_of_pull_machines_only_and_reads_a_document_without_it_as_push()
    {
        var machines = BlueprintParser.Parse("""
            { "laptop": { "deployment": { "mode": "pull" } }, "web": { "deployment": { "addr": "web.example" } } }
            """, "flake.nix");
        var manifest = new DeploymentManifest(DeploymentManifest.CurrentSchemaVersion, null, false, null, null, machines,
            new Dictionary<string, string>(), false, new Dictionary<string, ClosureChange>());

        var text = System.Text.Json.JsonSerializer.Serialize(manifest, ManifestJsonContext.Default.DeploymentManifest);
        var read = ManifestText.Deserialize(text)!;

        var blueprint = System.Text.Json.Nodes.JsonNode.Parse(text)!["blueprint"]!;
        Assert.Equal("pull", blueprint["laptop"]!["deployment"]!["mode"]!.GetValue<string>());
        // A push machine's deployment is written as before the mode existed: the same fields, nothing more.
        Assert.Equal(["addr", "backend", "sshUser", "sshPort", "healthChecks", "autoRollback"],
            blueprint["web"]!["deployment"]!.AsObject().Select(field => field.Key));
        Assert.Equal((DeploymentMode.Pull, DeploymentMode.Push), (read.Blueprint["laptop"].Deployment.Mode, read.Blueprint["web"].Deployment.Mode));
    }

    [Theory]
    [InlineData("Pull")]
    [InlineData("poll")]
    [InlineData("")]
    public void Other_deployment_modes_are_refused_with_their_path(string mode)
    {
        var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse(
            $$"""{ "m": { "deployment": { "addr": "m.example", "mode": "{{mode}}" } } }""", "flake.nix"));

        var error = Assert.Single(failure.Diagnostics);
        Assert.Equal("ND1160", error.Code);
        Assert.StartsWith($"m.deployment.mode '{mode}' is not supported: use one of push, pull", error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_path_and_the_file()
    {
        var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse("""
            { "a": { "deployment": { "addr": "ok", "sshPort": 70000 } }, "b": { "cpu": -1, "deployment": { "addr": "x y" } } }
            """, "/fleet/flake.nix"));

        Assert.Equal(["ND1109", "ND1111", "ND1111"], failure.Diagnostics.Select(d => d.Code).Order());
        Assert.Contains(failure.Diagnostics, d => d.Message.StartsWith("a.deployment.sshPort", StringComparison.Ordinal));
        Assert.Contains(failure.Diagnostics, d => d.Message.StartsWith("b.cpu", StringComparison.Ordinal));
        Assert.All(failure.Diagnostics, d => Assert.Equal("/fleet/flake.nix", d.File));
    }

    [Theory]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("host.example.org", true)]
    [InlineData("-oProxyCommand=x", false)]
    [InlineData("a b", false)]
    [InlineData("a;b", false)]
    [InlineData("", false)]
    [InlineData("10.0.0.11", true)]
    [InlineData("::ffff:10.0.0.11", true)]
    [InlineData("fe80::1%eth0", true)]
    [InlineData("fe80::1%en_0.1-a", true)]
    [InlineData("127.0.0.61\n", false)]
    [InlineData("host.example.org\n", false)]
    [InlineData("::1\n", false)]
    [InlineData("::1%x y;id", false)]
    [InlineData("::1%`id`", false)]
    [InlineData("::1%", false)]
    [InlineData("::1%eth0\n", false)]
    [InlineData("[::1]", false)]
    [InlineData("[::1]:22", false)]
    [InlineData("127.0.0.1:22", false)]
    [InlineData("\t127.0.0.1", false)]
    public void Addresses_are_hostnames_or_ip_addresses_only(string address, bool valid) =>
        Assert.Equal(valid, Identifiers.IsAddress(address));

    [Theory]
    [InlineData("""{ "m1\n": { "deployment": { "addr": "127.0.0.61" } } }""", "ND1108")]
    [InlineData("""{ "m1": { "deployment": { "addr": "127.0.0.61\n" } } }""", "ND1109")]
    [InlineData("""{ "m1": { "deployment": { "addr": "::1%x y;id" } } }""", "ND1109")]
    [InlineData("""{ "m1": { "deployment": { "addr": "127.0.0.61", "sshUser": "root\n" } } }""", "ND1110")]
    public void A_trailing_newline_or_an_unsafe_zone_is_refused(string json, string code)
    {
        var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse(json, "/fleet/flake.nix"));

        var error = Assert.Single(failure.Diagnostics);
        Assert.Equal(code, error.Code);
        // The refused value is shown with its control characters visible, not as a line break.
        Assert.DoesNotContain("\n", error.Message);
    }

    [Theory]
    [InlineData("""{ "m": { "deployment": { "addr": "m.example", "autoRolback": false } } }""", "m.deployment.autoRolback", "autoRollback")]
    [InlineData("""{ "m": { "deploymnet": { "addr": "m.example" } } }""", "m.deploymnet", "deployment")]
    [InlineData("""{ "m": { "deployment": { "addr": "m.example", "healtChecks": [] } } }""", "m.deployment.healtChecks", "healthChecks")]
    [InlineData("""{ "m": { "deployment": { "addr": "m.example", "healthChecks": [ { "command": "true", "timout": 5 } ] } } }""", "m.deployment.healthChecks[0].timout", "timeout")]
    [InlineData("""{ "m": { "memory": { "amount": 2, "units": "GiB" }, "deployment": { "addr": "m.example" } } }""", "m.memory.units", "unit")]
    [InlineData("""{ "m": { "lables": [ "web" ], "deployment": { "addr": "m.example" } } }""", "m.lables", "labels")]
    public void An_unknown_field_is_an_error_naming_the_machine_and_the_nearest_known_field(string json, string path, string suggestion)
    {
        // The same blueprint as an attribute set and as a builtins.toJSON string.
        foreach (var blueprint in new[] { json, System.Text.Json.JsonSerializer.Serialize(json) })
        {
            var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse(blueprint, "/fleet/flake.nix"));

            var error = Assert.Single(failure.Diagnostics, d => d.Code == "ND1120");
            Assert.StartsWith(path + " ", error.Message);
            Assert.Contains($"did you mean {suggestion}?", error.Message);
            Assert.Equal("/fleet/flake.nix", error.File);
        }
    }

    [Fact]
    public void An_unknown_field_far_from_every_known_one_lists_the_known_fields()
    {
        var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse("""{ "m": { "xyzzy": 1, "deployment": { "addr": "m.example" } } }""", null));

        var error = Assert.Single(failure.Diagnostics);
        Assert.Equal("ND1120", error.Code);
        Assert.DoesNotContain("did you mean", error.Message);
        Assert.Contains("deployment", error.Message);
    }

    [Theory]
    [InlineData("""{ "m": { "deployment": { "addr": "a.example" } }, "m": { "deployment": { "addr": "b.example" } } }""", "'m'")]
    [InlineData("""{ "m": { "deployment": { "addr": "a.example", "addr": "b.example" } } }""", "m.deployment.addr")]
    public void A_duplicated_key_in_a_json_string_blueprint_is_a_coded_error_naming_it(string json, string named)
    {
        var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse(System.Text.Json.JsonSerializer.Serialize(json), "/fleet/flake.nix"));

        var error = Assert.Single(failure.Diagnostics);
        Assert.Equal("ND1121", error.Code);
        Assert.Contains(named, error.Message);
        Assert.Equal("/fleet/flake.nix", error.File);
    }

    [Theory]
    [InlineData("::1%`id`", null, null, "ND1109")]
    [InlineData("127.0.0.61\n", null, null, "ND1109")]
    [InlineData(null, "root\n", null, "ND1110")]
    [InlineData(null, null, "0", "ND1111")]
    [InlineData(null, null, "22x", "ND1111")]
    public void A_machine_override_is_validated_like_the_blueprint(string? addr, string? user, string? port, string code)
    {
        var blueprint = BlueprintParser.Parse("""{ "m": { "deployment": { "addr": "m.example" } } }""", "/fleet/flake.nix");

        var failure = Assert.Throws<NixDeployException>(() => DeploymentOverride.Apply(blueprint,
            new Dictionary<string, DeploymentOverride> { ["m"] = new(addr, port, user) }, "/fleet/fleet.nixdeploy"));

        Assert.Equal(code, failure.Code);
        Assert.StartsWith("NixDeployMachineOverride 'm'", failure.Diagnostics[0].Message);
        Assert.Equal("/fleet/fleet.nixdeploy", failure.Diagnostics[0].File);
    }
}
