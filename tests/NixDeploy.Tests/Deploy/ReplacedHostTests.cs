using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

public sealed class ReplacedHosts() : TestHosts(first: 41, count: 3);

/// <summary>
/// A host's open connection is reused only while ssh would open the same one now. The deployer's key and known hosts
/// come from ~/.ssh/config here, as most users set them, and ~ is root's home from the password database: each
/// deploy runs with a private mount of the test's folder over /root/.ssh.
/// </summary>
public sealed class ReplacedHostTests(ReplacedHosts hosts) : IClassFixture<ReplacedHosts>
{
    private const string UserSsh = "/root/.ssh";

    [Fact]
    public async Task Hosts_replaced_at_the_same_addresses_with_new_keys_get_the_deploy_not_the_old_hosts_over_their_open_connections()
    {
        var addresses = hosts.Lease(3);
        var machines = addresses.Select((address, i) => DeployFleet.Machine($"web-{i + 1}", address)).ToArray();
        using var fleet = await DeployFleet.CreateAsync("replaced", hosts, machines);
        var dotSsh = TestRunDirectory.CreateFolder("dot-ssh");
        try
        {
            var identity = Path.Combine(dotSsh, "fleet_ed25519");
            // Keeps its mode, 0600: ssh refuses a private key others can read.
            File.Copy(hosts.IdentityFile, identity);
            File.Copy(hosts.KnownHostsFile, Path.Combine(dotSsh, "fleet_known_hosts"));
            File.WriteAllText(Path.Combine(dotSsh, "config"), $"""
                Host {string.Join(' ', addresses)}
                  IdentityFile ~/.ssh/fleet_ed25519
                  UserKnownHostsFile ~/.ssh/fleet_known_hosts
                """);
            // Empty global properties override the fleet's key and known_hosts: ssh takes them from ~/.ssh/config.
            DotnetBuild Deploy() => fleet.Deploy(("NixDeploySshIdentityFile", ""), ("NixDeploySshKnownHostsFile", "")).WithBindMount(dotSsh, UserSsh);

            var first = await Deploy().BuildAsync();

            first.AssertSucceeded();
            foreach (var (machine, address) in machines.Select((m, i) => (m.Name, addresses[i])))
                Assert.Equal(fleet.Closure(machine), await hosts.LiveSystemAsync(address));

            // A reinstalled VM or a reassigned address, within NixDeploySshControlPersist of the deploy; the user puts
            // the new host keys into their known_hosts.
            await hosts.ReplaceAsync();
            File.Copy(hosts.KnownHostsFile, Path.Combine(dotSsh, "fleet_known_hosts"), overwrite: true);
            foreach (var address in addresses)
                Assert.True(hosts.ConnectionsOpenAtReplacedHost(address) >= 1, $"the deploy's connection to the old {address} did not outlive its replacement");

            var second = await Deploy().BuildAsync();

            second.AssertSucceeded();
            foreach (var (machine, address) in machines.Select((m, i) => (m.Name, addresses[i])))
            {
                Assert.Equal("deployed", fleet.Status(machine));
                Assert.Equal(fleet.Closure(machine), await hosts.LiveSystemAsync(address));
            }
        }
        finally
        {
            TestRunDirectory.Remove(dotSsh);
        }
    }
}
