using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;

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
    public void Addresses_are_hostnames_or_ip_addresses_only(string address, bool valid) =>
        Assert.Equal(valid, Identifiers.IsAddress(address));
}
