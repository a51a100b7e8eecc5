using NixDeploy.Blueprint;
using NixDeploy.Ssh;

namespace NixDeploy.Tests.Deploy;

/// <summary>Which files ssh reads for a target, predicted from the config files as ssh finds them.</summary>
public sealed class SshReadFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixdeploy-ssh-files-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string relativePath, string content)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Includes_are_followed_relative_to_each_config_s_directory_and_every_file_they_name_counts_with_ssh_s_defaults()
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
}
