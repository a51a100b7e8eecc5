using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>The common deploy settings as flags (--on-failure, --confirm-timeout) reach the build; --binlog records it.</summary>
public sealed class DeployFlagsToolTests
{
    [Fact]
    public async Task Flags_set_the_deploy_settings_for_this_run_and_binlog_records_the_build()
    {
        // Nothing listens on these addresses: a-gone (first, one at a time) is unreachable, so under halt web-1 never starts.
        using var project = await new TestFleet()
            .Machine("a-gone", "127.0.0.186", TestHosts.Port, "web")
            .Machine("web-1", "127.0.0.187", TestHosts.Port, "web")
            .Project("toolflags").CreateAsync();
        var binaryLog = Path.Combine(project.Folder, "deploy.binlog");

        var result = await InstalledTool.RunAsync(project.Directory,
            "deploy", "--parallel", "1", "--on-failure", "halt", "--confirm-timeout", "7", "--binlog", binaryLog);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("a-gone: unreachable", result.StandardOutput);
        Assert.Contains("web-1: skipped", result.StandardOutput);
        // Replayed, the binary log shows what the Deploy task was given.
        var replay = await new DotnetBuild(binaryLog, project.LogDirectory).WithVerbosity("diag").MsbuildAsync();
        Assert.Contains("Task Parameter:ConfirmTimeout=7", replay.DetailedLog);
        Assert.Contains("Task Parameter:OnFailure=halt", replay.DetailedLog);
    }
}
