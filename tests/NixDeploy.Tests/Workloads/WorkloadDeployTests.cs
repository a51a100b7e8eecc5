using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Workloads;

public sealed class WorkloadHosts() : TestHosts(first: 160, count: 9, WorkloadFleet.PodmanHostOptions);

/// <summary>
/// Workloads deployed to real test hosts by the one deploy engine, as real podman containers bound to each host's own
/// address with each host's own container storage: answers over HTTP, container ids and start times read on the host.
/// </summary>
public sealed class WorkloadDeployTests(WorkloadHosts hosts) : IClassFixture<WorkloadHosts>
{
    private static string Web(string package, int port = 8080) => $$"""
          web = { source.build.flake = ".#{{package}}"; runtime.{{WorkloadFleet.PodmanRuntime.Replace("PORT", port.ToString())}}; targets = [ "@web" ]; healthCheck = {{WorkloadFleet.HealthCheck}}; };
        """;

    /// <summary>A fleet of one machine at <paramref name="address"/> whose workload web runs v1 there (deployed).</summary>
    private async Task<WorkloadFleet> WebV1Async(string name, string address, int port)
    {
        var fleet = await WorkloadFleet.CreateAsync(name, hosts, address);
        await fleet.WriteAsync("""web-v1 = mk "web" "v1" true "image";""", Web("web-v1", port));
        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();
        Assert.Equal("v1", await WorkloadFleet.GetAsync(address, port));
        return fleet;
    }

    [Fact]
    public async Task An_image_built_by_nix_and_one_fetched_run_on_two_hosts_a_second_deploy_leaves_them_untouched_and_one_no_longer_targeted_is_removed()
    {
        var a = hosts.Lease(2);
        using var fleet = await WorkloadFleet.CreateAsync("wl-two", hosts, a[0], a[1]);
        var sha256 = await fleet.ServeImageAsync("api.tar", "api", "api-v1");
        string Workloads(string apiTargets) => Web("web-v1") + $$"""
              api = { source.fetch = { url = "{{fleet.FilesUrl}}api.tar"; sha256 = "{{sha256}}"; }; runtime.{{WorkloadFleet.PodmanRuntime.Replace("PORT", "8081")}}; targets = [ {{apiTargets}} ]; healthCheck = {{WorkloadFleet.HealthCheck}}; };
            """;
        await fleet.WriteAsync("""web-v1 = mk "web" "v1" true "image";""", Workloads("\"web-*\""));

        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();

        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(fleet.Fleet.Project.PathOf("bin/nixdeploy/deployment.json")))!;
        var api = manifest["workloads"]!["web-1"]!.AsArray().Single(w => w!["name"]!.GetValue<string>() == "api")!;
        Assert.Equal($"sha256:{sha256}", api["digest"]!.GetValue<string>());
        var before = new Dictionary<string, string>();
        foreach (var (address, machine) in new[] { (a[0], "web-1"), (a[1], "web-2") })
        {
            Assert.Equal("deployed", fleet.Fleet.Status(machine));
            Assert.Equal("v1", await WorkloadFleet.GetAsync(address, 8080));
            Assert.Equal("api-v1", await WorkloadFleet.GetAsync(address, 8081));
            // The fetched archive came into the host's store as the fixed-output path Nix built.
            Assert.True(await hosts.InStoreAsync(address, api["storePath"]!.GetValue<string>()));
            before[address] = await WorkloadFleet.ContainerAsync(hosts, address, "web") + " " + await WorkloadFleet.ContainerAsync(hosts, address, "api");
            Assert.EndsWith("true", before[address]);
        }

        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();

        foreach (var (address, machine) in new[] { (a[0], "web-1"), (a[1], "web-2") })
        {
            Assert.Equal("unchanged", fleet.Fleet.Status(machine));
            Assert.Equal(before[address], await WorkloadFleet.ContainerAsync(hosts, address, "web") + " " + await WorkloadFleet.ContainerAsync(hosts, address, "api"));
            Assert.Equal("v1", await WorkloadFleet.GetAsync(address, 8080));
        }

        // web-2 no longer runs api: its deploy stops and forgets it; web-1's is untouched.
        await fleet.WriteAsync("""web-v1 = mk "web" "v1" true "image";""", Workloads("\"web-1\""));
        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();

        Assert.Equal("removed", fleet.Fleet.MachineReport("web-2")["workloads"]!["api"]!["status"]!.GetValue<string>());
        Assert.Equal("gone", await hosts.RunAsync(a[1], "podman --root /nix/var/nixdeploy/containers --runroot /run/nixdeploy/containers container exists nixdeploy-api || echo gone"));
        Assert.Equal("api-v1", await WorkloadFleet.GetAsync(a[0], 8081));
        Assert.Equal(before[a[0]], await WorkloadFleet.ContainerAsync(hosts, a[0], "web") + " " + await WorkloadFleet.ContainerAsync(hosts, a[0], "api"));
    }

    [Fact]
    public async Task A_new_version_rolls_forward_and_one_whose_health_check_fails_is_rolled_back_with_the_old_one_serving()
    {
        var a = hosts.Lease(1);
        using var fleet = await WebV1Async("wl-roll", a[0], 8090);

        var closure = fleet.Fleet.Closure("web-1");
        var previous = fleet.Fleet.Project.PathOf("previous-deployment.json");
        File.Copy(fleet.Fleet.Project.PathOf("bin/nixdeploy/deployment.json"), previous);
        await fleet.WriteAsync("""web-v2 = mk "web" "v2" true "image";""", Web("web-v2", 8090));
        (await fleet.Fleet.Deploy(("NixDeployPreviousManifest", previous)).BuildAsync()).AssertSucceeded();

        // Only the workload changed: the machine is changed in deployment.json, and deployed.
        Assert.Equal(closure, fleet.Fleet.Closure("web-1"));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(fleet.Fleet.Project.PathOf("bin/nixdeploy/deployment.json")))!;
        Assert.Equal("changed", manifest["changes"]!["web-1"]!.GetValue<string>());
        Assert.Equal("deployed", fleet.Fleet.Status("web-1"));
        Assert.Equal("v2", await WorkloadFleet.GetAsync(a[0], 8090));
        var v2 = await WorkloadFleet.ContainerAsync(hosts, a[0], "web");

        await fleet.WriteAsync("""web-v3 = mk "web" "v3" false "image";""", Web("web-v3", 8090));
        var result = await fleet.Fleet.Deploy().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Equal("rolled-back", fleet.Fleet.Status("web-1"));
        Assert.Equal("ND5103", fleet.Fleet.ErrorCode("web-1"));
        Assert.Contains(result.Errors, e => e.Code == "ND5103");
        Assert.Equal("v2", await WorkloadFleet.GetAsync(a[0], 8090));
        // The same v2 container, started again.
        Assert.Equal(v2.Split(' ')[0], (await WorkloadFleet.ContainerAsync(hosts, a[0], "web")).Split(' ')[0]);
    }

    [Fact]
    public async Task Status_shows_what_each_machine_runs_and_plan_shows_a_workload_change_though_the_system_is_unchanged()
    {
        var a = hosts.Lease(1);
        using var fleet = await WebV1Async("wl-tool", a[0], 8093);
        var v1 = JsonDocument.Parse(File.ReadAllText(fleet.Fleet.Project.PathOf("bin/nixdeploy/deployment.json"))).RootElement
            .GetProperty("workloads").GetProperty("web-1")[0].GetProperty("digest").GetString();

        var status = await InstalledTool.RunAsync(fleet.Fleet.Project.Directory, "status", "--json");

        Assert.True(status.ExitCode == 0, status.ToString());
        var web = Assert.Single(JsonDocument.Parse(status.StandardOutput).RootElement[0].GetProperty("workloads").EnumerateArray());
        Assert.Equal(("web", "unchanged", v1, true, true),
            (web.GetProperty("name").GetString(), web.GetProperty("action").GetString(), web.GetProperty("runningDigest").GetString(),
             web.GetProperty("running").GetBoolean(), web.GetProperty("healthy").GetBoolean()));

        await fleet.WriteAsync("""web-v2 = mk "web" "v2" true "image";""", Web("web-v2", 8093));
        var plan = await InstalledTool.RunAsync(fleet.Fleet.Project.Directory, "plan", "--json", "--exit-code");

        Assert.True(plan.ExitCode == 4, plan.ToString());
        var machine = JsonDocument.Parse(plan.StandardOutput).RootElement[0];
        Assert.Equal("unchanged", machine.GetProperty("action").GetString());
        var change = Assert.Single(machine.GetProperty("workloads").EnumerateArray());
        Assert.Equal("deploy", change.GetProperty("action").GetString());
        Assert.Equal(v1, change.GetProperty("runningDigest").GetString());
        Assert.NotEqual(v1, change.GetProperty("desiredDigest").GetString());
    }

    [Fact]
    public async Task A_fetched_deliverable_whose_digest_is_wrong_is_refused_before_anything_stops()
    {
        var a = hosts.Lease(1);
        using var fleet = await WorkloadFleet.CreateAsync("wl-digest", hosts, a[0]);
        var good = await fleet.ServeImageAsync("api.tar", "api", "api-v1");
        string Api(string sha256) => $$"""
              api = { source.fetch = { url = "{{fleet.FilesUrl}}api.tar"; sha256 = "{{sha256}}"; }; runtime.{{WorkloadFleet.PodmanRuntime.Replace("PORT", "8091")}}; targets = [ "@web" ]; healthCheck = {{WorkloadFleet.HealthCheck}}; };
            """;
        await fleet.WriteAsync("", Api(good));
        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();
        var running = await WorkloadFleet.ContainerAsync(hosts, a[0], "api");

        // A digest the served file does not have: Nix's fixed-output fetch refuses the file.
        await fleet.WriteAsync("", Api(new string('0', 64)));
        var result = await fleet.Fleet.Deploy().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Contains(result.Errors, e => e.Code == "ND1420" && e.Message.Contains("workload 'api'", StringComparison.Ordinal));
        Assert.Equal(running, await WorkloadFleet.ContainerAsync(hosts, a[0], "api"));
        Assert.Equal("api-v1", await WorkloadFleet.GetAsync(a[0], 8091));
    }

    [Fact]
    public async Task A_deliverable_whose_file_on_the_host_is_not_the_one_built_is_refused_there_before_anything_stops()
    {
        var a = hosts.Lease(1);
        using var fleet = await WebV1Async("wl-tampered", a[0], 8095);
        var running = await WorkloadFleet.ContainerAsync(hosts, a[0], "web");
        await fleet.WriteAsync("""web-v2 = mk "web" "v2" true "image";""", Web("web-v2", 8095));
        (await fleet.Fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).BuildAsync()).AssertSucceeded();
        var image = JsonDocument.Parse(File.ReadAllText(fleet.Fleet.Project.PathOf("bin/nixdeploy/deployment.json"))).RootElement
            .GetProperty("workloads").GetProperty("web-1")[0].GetProperty("storePath").GetString()!;
        // The v2 archive reaches the host's store, and is then changed there (a corrupted store): still valid to Nix, so the deploy copies nothing.
        var copy = await Cli.Wrap("nix").WithArguments(["copy", "--to", $"ssh://root@{a[0]}", image])
            .WithEnvironmentVariables(NixEnvironment.Variables.ToDictionary(v => v.Key, v => (string?)v.Value)
                .Append(new("NIX_SSHOPTS", $"-F {Path.Combine(hosts.Directory, "ssh_config")}")).ToDictionary())
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(copy.ExitCode == 0, copy.StandardError);
        await hosts.RunAsync(a[0], $"chmod u+w {image} && printf x >> {image}");

        var result = await fleet.Fleet.Deploy().BuildAsync();

        result.AssertFailed();
        Assert.Equal("failed", fleet.Fleet.Status("web-1"));
        Assert.Equal("ND5101", fleet.Fleet.ErrorCode("web-1"));
        Assert.Contains("nothing was stopped", fleet.Fleet.MachineReport("web-1")["errorMessage"]!.GetValue<string>());
        Assert.Equal(running, await WorkloadFleet.ContainerAsync(hosts, a[0], "web"));
        Assert.Equal("v1", await WorkloadFleet.GetAsync(a[0], 8095));
    }

    [Fact]
    public async Task A_workload_error_names_its_line_in_the_flake_and_nothing_is_built()
    {
        using var fleet = await WorkloadFleet.CreateAsync("wl-error", hosts, hosts.DeadAddress);
        await fleet.WriteAsync("", """
              api = {
                source.fetch = { url = "http://127.0.0.1:1/api.tar"; };
                runtime.podman = { port = 8094; };
                targets = [ "@nope" ];
              };
            """);

        var result = await fleet.Fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var unpinned = Assert.Single(result.Errors, e => e.Code == "ND1406");
        Assert.Equal((fleet.Fleet.Project.PathOf("workloads.nix"), 3), (unpinned.File, unpinned.Line));
        var target = Assert.Single(result.Errors, e => e.Code == "ND1409");
        Assert.Equal((fleet.Fleet.Project.PathOf("workloads.nix"), 5), (target.File, target.Line));
        Assert.False(File.Exists(fleet.Fleet.Project.PathOf("bin/nixdeploy/deployment.json")));
    }

    [Fact]
    public async Task The_systemd_runtime_extracts_its_bundle_and_writes_its_unit_which_a_host_without_systemd_cannot_start()
    {
        var a = hosts.Lease(1);
        using var fleet = await WorkloadFleet.CreateAsync("wl-systemd", hosts, a[0]);
        await fleet.WriteAsync("""site = mk "site" "s1" true "bundle";""", """
              site = { source.build.flake = ".#site"; runtime.systemd = { port = 8092; command = [ "bin/serve" "--quiet" ]; env.MODE = "production"; }; targets = [ "web-1" ]; };
            """);

        var result = await fleet.Fleet.Deploy().BuildAsync();

        result.AssertFailed();
        Assert.Equal("ND5104", fleet.Fleet.ErrorCode("web-1"));
        var message = fleet.Fleet.MachineReport("web-1")["errorMessage"]!.GetValue<string>();
        var bundle = (await hosts.RunAsync(a[0], "ls -d /nix/var/nixdeploy/workloads/site/bundle-*")).Trim();
        Assert.Contains($"ExecStart=\"{bundle}/bin/serve\" \"--quiet\"", message);
        Assert.Contains($"WorkingDirectory={bundle}", message);
        Assert.Contains("Environment=\"MODE=production\"", message);
        Assert.Contains($"Environment=\"NIXDEPLOY_ADDRESS={a[0]}\"", message);
        Assert.Contains("Environment=\"PORT=8092\"", message);
        Assert.Equal("s1", await hosts.RunAsync(a[0], $"cat {bundle}/www/index.html"));
        Assert.Equal("755", await hosts.RunAsync(a[0], $"stat -c %a {bundle}/bin/serve"));
        // Nothing is left half-started: no unit, no record of a running workload.
        Assert.Equal("", await hosts.RunAsync(a[0], "ls /run/systemd/system 2>/dev/null; ls -d /nix/var/nixdeploy/workloads/site/current 2>/dev/null; true"));
    }
}
