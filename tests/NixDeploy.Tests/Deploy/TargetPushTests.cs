using System.Diagnostics;
using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

public sealed class TargetPushHosts() : TestHosts(first: 251, count: 3);

/// <summary>
/// PushCache after NixDeployBuildOn=target: the closures were built on their hosts and never copied back, so the push
/// first copies each back from its host. The build reads <see cref="BuildOnTests.MarkerFile"/>, which only the test
/// host has: the closure can only have been built there.
/// </summary>
public sealed class TargetPushTests(TargetPushHosts hosts) : IClassFixture<TargetPushHosts>
{
    [Fact]
    public async Task A_push_of_a_target_build_copies_the_closure_back_from_its_host_and_pushes_it_signed()
    {
        var (fleet, address, url, publicKey) = await BuiltOnTargetAsync("pushback");
        using var _ = fleet;
        var closure = fleet.Closure("web-1");

        var push = await Push(fleet).BuildAsync();

        push.AssertSucceeded();
        push.AssertNoStackTrace();
        Assert.Equal($"built-on-{address}", File.ReadAllText(Path.Combine(closure, "sw/bin/build-host")).Trim());
        var paths = await CacheNix.PathInfoAsync(url, closure);
        var top = Assert.Single(paths, path => path!["path"]!.GetValue<string>() == closure);
        Assert.Contains(top!["signatures"]!.AsArray(), s => s!.GetValue<string>().StartsWith("target-push-1:", StringComparison.Ordinal));
        Assert.True(await CacheNix.SignedByAsync(url, closure, publicKey));
    }

    [Fact]
    public async Task A_push_of_a_target_build_whose_host_cannot_be_reached_is_ND1215_and_nothing_is_pushed()
    {
        var (fleet, address, url, _) = await BuiltOnTargetAsync("unreachable");
        using var _ = fleet;
        var closure = fleet.Closure("web-1");
        // The host's listening sshd goes away: the host is down.
        Process.GetProcessById(int.Parse(File.ReadAllText(Path.Combine(hosts.HostDirectory(address), "sshd.pid")).Trim())).Kill();

        var push = await Push(fleet).BuildAsync();

        push.AssertFailed();
        push.AssertNoStackTrace();
        Assert.Contains(push.Errors, e => e.Code == "ND1215" && e.Message.Contains("'web-1'", StringComparison.Ordinal));
        Assert.False(Path.Exists(closure), $"{closure} came back from a host that is down");
        Assert.False(Directory.Exists(new Uri(url).LocalPath) && Directory.EnumerateFiles(new Uri(url).LocalPath, "*.narinfo").Any(), "something was pushed");
        Assert.False(File.Exists(fleet.Project.PathOf("obj/nixdeploy/push.stamp")), "the push is recorded as done");
        Assert.False(File.Exists(fleet.Project.PathOf("bin/nixdeploy/push-report.json")), "a push report was written for a push that did not run");
    }

    /// <summary>A one-machine fleet with a signing file:// cache, built on its host: the closure is there and not here.</summary>
    private async Task<(DeployFleet Fleet, string Address, string Url, string PublicKey)> BuiltOnTargetAsync(string name)
    {
        var address = hosts.Lease(1)[0];
        await hosts.RunAsync(address, $"echo built-on-{address} > {BuildOnTests.MarkerFile}");
        var keys = TestRunDirectory.CreateFolder($"target-push-{name}");
        var (secretKey, publicKey) = await CacheNix.GenerateKeyAsync(keys, "target-push-1");
        var url = "file://" + Path.Combine(keys, "cache");
        var fleet = await DeployFleet.CreateAsync(name, hosts, p => p.Cache("local", ("Url", url), ("SecretKeyFile", secretKey)),
            BuildOnTests.MarkerMachine("web-1", address, name));
        (await fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).WithProperty("NixDeployBuildOn", "target").BuildAsync()).AssertSucceeded();
        var closure = fleet.Closure("web-1");
        Assert.True(await hosts.InStoreAsync(address, closure));
        Assert.False(Path.Exists(closure), $"{closure} is in the deployer's store before the push");
        return (fleet, address, url, publicKey);
    }

    private static DotnetBuild Push(DeployFleet fleet) =>
        CacheProjects.Push(fleet.Project).WithProperty("NixDeployBuildOn", "target").WithTimeout(TimeSpan.FromMinutes(3));
}
