using System.Text;
using CliWrap;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>Turns a test folder into a git repository: flakes only see files that git tracks.</summary>
public static class GitRepository
{
    // Fixed identity and no signing: the machine's git configuration must not decide whether a test can commit.
    private static readonly string[] IdentityOptions =
    [
        "-c", "user.name=NixDeploy Tests",
        "-c", "user.email=tests@nixdeploy.invalid",
        "-c", "commit.gpgsign=false",
        "-c", "init.defaultBranch=main",
    ];

    /// <summary>Initialises the repository when needed, stages every file and commits.</summary>
    public static async Task CommitAllAsync(string directory, string message)
    {
        await InitAsync(directory);
        await RunAsync(directory, "add", "-A");
        await RunAsync(directory, "commit", "-q", "--allow-empty", "-m", message);
    }

    /// <summary>Makes the folder a repository without a commit, unless it is one.</summary>
    public static async Task InitAsync(string directory)
    {
        if (!Directory.Exists(Path.Combine(directory, ".git")))
        {
            await RunAsync(directory, "init", "-q");
        }
    }

    /// <summary>git add: the files join the index (what a flake sees) without a commit.</summary>
    public static Task StageAsync(string directory, params string[] paths) => RunAsync(directory, ["add", "--", .. paths]);

    private static async Task RunAsync(string directory, params string[] arguments)
    {
        var output = new StringBuilder();
        var result = await Cli.Wrap("git")
            .WithArguments([.. IdentityOptions, .. arguments])
            .WithWorkingDirectory(directory)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {directory} exited {result.ExitCode}:\n{output}");
        }
    }
}
