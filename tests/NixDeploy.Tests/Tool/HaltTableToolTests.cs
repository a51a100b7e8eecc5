using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>Under NixDeployOnFailure=halt, the machines that never start are rows of the live table, marked skipped.</summary>
public sealed class HaltTableToolTests
{
    [Fact]
    public async Task Machines_skipped_by_the_halt_policy_show_as_skipped_in_the_live_table()
    {
        // Nothing listens on these addresses: a-gone (first, one at a time) is unreachable, so web-1 is never started.
        using var project = await new TestFleet()
            .Machine("a-gone", "127.0.0.188", TestHosts.Port, "web")
            .Machine("web-1", "127.0.0.189", TestHosts.Port, "web")
            .Project("toolhalt", p => p.Property("NixDeployOnFailure", "halt"))
            .CreateAsync();

        var result = await InstalledTool.RunInTerminalAsync(project.Directory, "deploy", "--parallel", "1");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"│ a-gone\s+│ .*unreachable", result.StandardOutput);
        Assert.Matches(@"│ web-1\s+│ .*skipped", result.StandardOutput);
        Assert.Contains("1 skipped", result.StandardOutput);
    }
}
