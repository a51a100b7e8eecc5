using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Spine;

/// <summary>
/// The current deployment's closures are garbage-collector roots, so a GC between build and deploy or push keeps
/// them. Proved with <c>nix-store --delete</c> of the closure itself, which refuses a rooted path and touches nothing
/// else in the shared store (a whole GC would also delete other tests' unrooted paths).
/// </summary>
public sealed class ClosureRootTests
{
    [Fact]
    public async Task Built_closures_are_gc_roots_until_the_next_build_replaces_them_or_Clean_removes_them()
    {
        // Content no other test builds, so deleting these closures can disturb nobody.
        var unique = Guid.NewGuid().ToString("N");
        TestFleet Fleet(string motd) => new TestFleet()
            .Machine(new TestMachine("rooted-1", "127.0.0.11", 2222, ["web"]) { Configuration = $"users.motd = \"{unique} {motd}\";" });
        using var project = await Fleet("one").Project("gcroots").CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var first = Manifests.Closures(Manifests.Read(project))["rooted-1"];

        Assert.False(await DeleteAsync(first), $"{first} was deleted: the built closure is no GC root");
        Assert.True(Directory.Exists(first));

        foreach (var (path, content) in Fleet("two").Files())
            project.WriteFile(path, content);
        await GitRepository.CommitAllAsync(project.Directory, "two");
        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var second = Manifests.Closures(Manifests.Read(project))["rooted-1"];

        Assert.NotEqual(first, second);
        Assert.False(await DeleteAsync(second), $"{second} was deleted: the rebuilt closure is no GC root");
        Assert.True(await DeleteAsync(first), $"{first} is still rooted after the next build replaced it");

        (await project.Dotnet().CleanAsync()).AssertSucceeded();

        Assert.True(await DeleteAsync(second), $"{second} is still rooted after Clean");
        Assert.False(Directory.Exists(second));
    }

    private static async Task<bool> DeleteAsync(string storePath)
    {
        var result = await Cli.Wrap("nix-store")
            .WithArguments(["--delete", storePath])
            .WithEnvironmentVariables(e => e.Set("NIX_CONFIG", NixEnvironment.NixConfig))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        return result.ExitCode == 0;
    }
}
