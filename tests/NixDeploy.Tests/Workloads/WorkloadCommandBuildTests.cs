using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Workloads;

public sealed class CommandBuildHosts() : TestHosts(first: 181, count: 3, WorkloadFleet.PodmanHostOptions);

/// <summary>
/// Seed 003's command build (<c>source.build = { repo; ref; command; output; }</c>): a real git repository, its
/// command run in a clean checkout, the output deployed as a real podman container to real test hosts.
/// </summary>
public sealed class WorkloadCommandBuildTests(CommandBuildHosts hosts) : IClassFixture<CommandBuildHosts>
{
    private static string Workload(string repo, string counter, string output = "out/web.tar") => $$"""
          web = { source.build = { repo = "{{repo}}"; ref = "main"; command = [ "sh" "build.sh" "{{counter}}" ]; output = "{{output}}"; }; runtime.{{WorkloadFleet.PodmanRuntime.Replace("PORT", "8095")}}; targets = [ "@web" ]; healthCheck = {{WorkloadFleet.HealthCheck}}; };
        """;

    /// <summary>A repository whose main branch has VERSION <paramref name="version"/> committed, and a working copy with changes never committed.</summary>
    private static async Task<string> DirtyRepositoryAsync(string folder, string version)
    {
        var repo = Path.Combine(folder, "app");
        Directory.CreateDirectory(Path.Combine(repo, "out"));
        File.WriteAllText(Path.Combine(repo, "VERSION"), version + "\n");
        File.Copy(Path.Combine(RepositoryRoot.Path, "tests", "workloads", "command-build.sh"), Path.Combine(repo, "build.sh"));
        File.Copy(Path.Combine(RepositoryRoot.Path, "tests", "workloads", "make-image.sh"), Path.Combine(repo, "make-image.sh"));
        File.WriteAllText(Path.Combine(repo, "out", ".keep"), "");
        await GitRepository.CommitAllAsync(repo, "app");
        File.WriteAllText(Path.Combine(repo, "VERSION"), "dirty\n");
        File.WriteAllText(Path.Combine(repo, "untracked"), "never built\n");
        return repo;
    }

    [Fact]
    public async Task A_command_build_runs_once_in_a_clean_checkout_for_two_targets_and_its_output_enters_the_store_by_its_content()
    {
        var a = hosts.Lease(2);
        using var fleet = await WorkloadFleet.CreateAsync("wl-cmd", hosts, a[0], a[1]);
        var repo = await DirtyRepositoryAsync(fleet.Fleet.Project.Folder, "cmd-v1");
        var counter = Path.Combine(fleet.Fleet.Project.Folder, "counter");
        await fleet.WriteAsync("", Workload(repo, counter));

        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();

        Assert.Equal(["built"], File.ReadAllLines(counter));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(fleet.Fleet.Project.PathOf("bin/nixdeploy/deployment.json")))!;
        var web = manifest["workloads"]!["web-1"]![0]!;
        var storePath = web["storePath"]!.GetValue<string>();
        // Content-addressed: the path is the one `nix store add-file` gives for those bytes, whoever adds them.
        var again = await Cli.Wrap("nix").WithArguments(["store", "add-file", "--dry-run", "--name", "web-deliverable", storePath])
            .WithEnvironmentVariables(NixEnvironment.Variables.ToDictionary(v => v.Key, v => (string?)v.Value)).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(again.ExitCode == 0, again.StandardError);
        Assert.Equal(storePath, again.StandardOutput.Trim());
        // GC-rooted with the closures until the next build.
        Assert.Equal(storePath, Path.GetFullPath(File.ResolveLinkTarget(fleet.Fleet.Project.PathOf("obj/nixdeploy/gcroots/command-web"), false)!.FullName));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(storePath))), web["digest"]!.GetValue<string>());
        foreach (var (address, machine) in new[] { (a[0], "web-1"), (a[1], "web-2") })
        {
            Assert.Equal("deployed", fleet.Fleet.Status(machine));
            // The committed VERSION, not the working copy's.
            Assert.Equal("cmd-v1", await WorkloadFleet.GetAsync(address, 8095));
            Assert.True(await hosts.InStoreAsync(address, storePath));
        }
    }

    [Fact]
    public async Task A_command_build_without_its_output_is_refused_at_its_line_and_one_whose_command_fails_names_it()
    {
        var a = hosts.Lease(1);
        using var fleet = await WorkloadFleet.CreateAsync("wl-cmd-error", hosts, a[0]);
        await fleet.WriteAsync("", """
              web = {
                source.build = { repo = "/nowhere"; ref = "main"; command = [ "true" ]; };
                runtime.podman = { port = 8096; };
                targets = [ "@web" ];
              };
            """);

        var invalid = await fleet.Fleet.Deploy().BuildAsync();

        invalid.AssertFailed();
        invalid.AssertNoStackTrace();
        var error = Assert.Single(invalid.Errors, e => e.Code == "ND1430");
        Assert.Equal((fleet.Fleet.Project.PathOf("workloads.nix"), 3), (error.File, error.Line));
        Assert.Contains("output", error.Message, StringComparison.Ordinal);

        var repo = await DirtyRepositoryAsync(fleet.Fleet.Project.Folder, "cmd-v1");
        var counter = Path.Combine(fleet.Fleet.Project.Folder, "counter");
        await fleet.WriteAsync("", Workload(repo, counter, output: "out/missing.tar"));

        var failed = await fleet.Fleet.Deploy().BuildAsync();

        failed.AssertFailed();
        failed.AssertNoStackTrace();
        Assert.Contains(failed.Errors, e => e.Code == "ND1431" && e.Message.Contains("out/missing.tar", StringComparison.Ordinal));
        Assert.False(File.Exists(fleet.Fleet.Project.PathOf("bin/nixdeploy/deployment.json")));
    }
}
