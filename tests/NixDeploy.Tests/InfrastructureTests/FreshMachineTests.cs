using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.InfrastructureTests;

/// <summary>
/// The install script on a machine that looks fresh: tests/hosts/check-fresh-machine.sh hides /etc/nix, /nix, root's
/// ~/.ssh and caches, and /run in a private mount namespace, runs scripts/install-prereqs.sh there, then starts a
/// test host (127.0.0.250, this class's block) and logs in to it.
/// </summary>
public sealed class FreshMachineTests
{
    private const int FirstAddress = 250;

    [Fact]
    public async Task The_install_script_gives_the_test_hosts_all_they_need_on_a_fresh_machine()
    {
        var directory = TestRunDirectory.CreateFolder("fresh-machine");

        var result = await Cli.Wrap("bash")
            .WithArguments([
                Path.Combine(RepositoryRoot.Path, "tests", "hosts", "check-fresh-machine.sh"),
                "--dir", directory, "--first", FirstAddress.ToString(), "--port", TestHosts.Port.ToString()])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

        var output = $"exit {result.ExitCode}\n{result.StandardOutput}\n{result.StandardError}";
        // The namespace really looked fresh, or the rest proves nothing.
        Assert.True(output.Contains("before install-prereqs.sh: /etc/nix absent, /nix/store absent, /root/.ssh absent"), output);
        Assert.True(output.Contains("after install-prereqs.sh: /etc/nix present"), output);
        Assert.True(output.Contains($"host 127.0.0.{FirstAddress}:{TestHosts.Port}: nix-store (Nix) "), output);
        Assert.True(result.ExitCode == 0, output);
        var sshdLog = File.ReadAllText(Path.Combine(directory, "host1", "sshd.log"));
        Assert.Contains("Accepted publickey for root", sshdLog);
        TestRunDirectory.Remove(directory);
    }
}
