using System.Text.Json;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

public sealed class ExecHosts() : TestHosts(first: 60, count: 2);

/// <summary>`dotnet nixdeploy exec`: one command on the selected machines, each answering from its own host.</summary>
public sealed class ExecToolTests(ExecHosts hosts) : IClassFixture<ExecHosts>
{
    // sshd tells the session which address it was reached on: each host answers with its own.
    private const string OwnAddress = "echo \"$SSH_CONNECTION\" | cut -d' ' -f3";

    [Fact]
    public async Task Exec_runs_on_each_selected_machine_and_reports_each_exit_code()
    {
        var addresses = hosts.Lease(2);
        using var project = await new TestFleet()
            .Machine("web-1", addresses[0], TestHosts.Port, "web")
            .Machine("web-2", addresses[1], TestHosts.Port, "web")
            .Machine("gone", hosts.DeadAddress, TestHosts.Port, "db")
            .Project("exec", p => p
                .Property("NixDeploySshIdentityFile", hosts.IdentityFile)
                .Property("NixDeploySshKnownHostsFile", hosts.KnownHostsFile))
            .CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();

        var web = await InstalledTool.RunAsync(project.Directory, "exec", "--on", "@web", "--", OwnAddress);

        Assert.True(web.ExitCode == 0, web.ToString());
        Assert.Contains($"web-1 | {addresses[0]}\n", web.StandardOutput);
        Assert.Contains($"web-2 | {addresses[1]}\n", web.StandardOutput);
        Assert.Contains("web-1: exit 0", web.StandardOutput);
        Assert.DoesNotContain("gone", web.All);

        // Every machine: web-1 succeeds, web-2 exits 1, gone cannot be reached; each is reported, the tool exits 1.
        var all = await InstalledTool.RunAsync(project.Directory, "exec", "--json", "--", $"test \"$({OwnAddress})\" = {addresses[0]}");

        Assert.True(all.ExitCode == 1, all.ToString());
        var rows = JsonDocument.Parse(all.StandardOutput).RootElement.EnumerateArray()
            .ToDictionary(row => row.GetProperty("machine").GetString()!);
        Assert.Equal(0, rows["web-1"].GetProperty("exitCode").GetInt32());
        Assert.Equal(1, rows["web-2"].GetProperty("exitCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, rows["gone"].GetProperty("exitCode").ValueKind);
        Assert.Equal("ND5001", rows["gone"].GetProperty("errorCode").GetString());
    }
}
