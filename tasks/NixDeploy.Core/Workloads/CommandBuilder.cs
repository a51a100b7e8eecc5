using System.ComponentModel;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Workloads;

/// <summary>
/// Seed 003's build: the command runs in a fresh checkout of the repository at the ref (only committed files: nothing
/// of a working copy's changes), once per deploy whatever the number of targets, and its output file enters the Nix
/// store by its content (<c>nix store add-file</c>), so caches, signatures and <c>nix copy</c> carry it like a fetched
/// deliverable and the manifest records its SHA-256.
/// </summary>
public sealed class CommandBuilder(NixCli nix)
{
    /// <summary>The store path of <paramref name="name"/>'s deliverable; ND1431 naming the step that failed.</summary>
    public async Task<string> BuildAsync(string name, CommandBuildSpec build, string? file, CancellationToken cancellationToken)
    {
        var checkout = Directory.CreateTempSubdirectory("nixdeploy-build-").FullName;
        try
        {
            await RunAsync(name, "git", ["init", "--quiet", checkout], null, file, cancellationToken).ConfigureAwait(false);
            // "--": the ref is validated not to start with '-', the repository is a URL or an absolute path.
            await RunAsync(name, "git", ["-C", checkout, "fetch", "--quiet", "--depth", "1", "--", build.Repo, build.Ref], null, file, cancellationToken).ConfigureAwait(false);
            await RunAsync(name, "git", ["-C", checkout, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", "FETCH_HEAD"], null, file, cancellationToken).ConfigureAwait(false);
            await RunAsync(name, build.Command[0], build.Command.Skip(1).ToList(), checkout, file, cancellationToken).ConfigureAwait(false);
            var output = Path.Combine(checkout, build.Output);
            if (!File.Exists(output))
                throw Failed(name, $"its command succeeded but left no file '{build.Output}' in the checkout: make it write its deliverable there, or fix output.", file);
            var added = await nix.RunAsync(["store", "add-file", "--name", $"{name}-deliverable", output], cancellationToken).ConfigureAwait(false);
            if (added.ExitCode != 0)
                throw Failed(name, $"nix store add-file failed: {NixMessages.Trim(added.StandardError)}", file);
            return StorePath.Require(added.StandardOutput.Trim(), $"The deliverable of workload '{name}'", file);
        }
        finally
        {
            Directory.Delete(checkout, recursive: true);
        }
    }

    private async Task RunAsync(string name, string program, IReadOnlyList<string> arguments, string? directory, string? file, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await nix.Runner.RunAsync(program, arguments, directory, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception)
        {
            throw Failed(name, $"'{program}' cannot be started: install it, or fix command.", file);
        }
        if (result.ExitCode != 0)
            throw Failed(name, $"'{ProcessRunner.Render(program, arguments)}' exited {result.ExitCode}:{Environment.NewLine}{(result.StandardError + result.StandardOutput).Trim()}", file);
    }

    private static NixDeployException Failed(string name, string what, string? file) =>
        new(ErrorCodes.WorkloadCommandBuildFailed, $"The command build of workload '{name}' failed: {what}", file);
}
