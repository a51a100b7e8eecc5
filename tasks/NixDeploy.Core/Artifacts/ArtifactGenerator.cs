using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Artifacts;

/// <summary>
/// Runs an artifact's generator in a private folder (0700): the answers as <c>$prompt/NAME</c>, an empty
/// <c>$out</c>, stdin closed. Exactly the declared files must come out: a missing or an extra one is an error, naming
/// <paramref name="declarationFile"/>, where the generator is declared.
/// </summary>
public sealed class ArtifactGenerator(ArtifactScriptRunner runner, string? declarationFile)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public async Task<GeneratedArtifact> GenerateAsync(ArtifactDeclaration artifact, IPromptSource prompts, CancellationToken cancellationToken)
    {
        // Generators are POSIX shell scripts and their folder's privacy rests on Unix modes.
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Artifact generators run on Linux and macOS only.");
        // Answers first: a missing one fails before anything runs.
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var prompt in artifact.Prompts.Values)
        {
            var answer = await prompts.AnswerAsync(artifact.Key, prompt, cancellationToken).ConfigureAwait(false)
                ?? throw new NixDeployException(ErrorCodes.ArtifactPromptMissing,
                    $"{artifact.Key} must be generated, and its prompt '{prompt.Name}' ({prompt.Description}) has no answer: {prompts.HowToAnswer(artifact.Key, prompt)}. Nothing reads stdin.");
            answers[prompt.Name] = prompt.Type == PromptType.Multiline ? answer : answer.TrimEnd('\n', '\r');
        }

        var folder = CreatePrivateFolder();
        var generated = new GeneratedArtifact(folder, artifact.Files.Keys.ToDictionary(name => name, name => Path.Combine(folder, "out", name)));
        try
        {
            var promptFolder = Path.Combine(folder, "prompt");
            var outFolder = Path.Combine(folder, "out");
            Directory.CreateDirectory(promptFolder, Private);
            Directory.CreateDirectory(outFolder, Private);
            foreach (var (name, answer) in answers)
            {
                var path = Path.Combine(promptFolder, name);
                File.WriteAllText(path, answer);
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var environment = new Dictionary<string, string?>
            {
                ["prompt"] = promptFolder,
                ["out"] = outFolder,
                ["machine"] = artifact.Key.Machine ?? "",
                ["artifact"] = artifact.Key.Name,
            };
            var result = await runner.RunAsync(artifact.Generator, $"generator of {artifact.Key}", environment, folder, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
                throw new NixDeployException(ErrorCodes.ArtifactGeneratorFailed,
                    $"The generator of {artifact.Key} failed (exit {result.ExitCode}); nothing was stored. Its error output:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}", declarationFile);
            CheckOutput(artifact, outFolder, declarationFile);
            return generated;
        }
        catch
        {
            generated.Dispose();
            throw;
        }
    }

    private static void CheckOutput(ArtifactDeclaration artifact, string outFolder, string? file)
    {
        var entries = Directory.EnumerateFileSystemEntries(outFolder).Select(Path.GetFileName).Select(name => name!).ToHashSet(StringComparer.Ordinal);
        var missing = artifact.Files.Keys.Where(name => !entries.Contains(name)).ToList();
        var extra = entries.Where(name => !artifact.Files.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        // Only regular files: a symlink could point the serializer at any file on the machine.
        var notFiles = artifact.Files.Keys.Where(entries.Contains)
            .Where(name => new FileInfo(Path.Combine(outFolder, name)) is var info && (info.LinkTarget is not null || !info.Exists)).ToList();
        var problems = new List<string>();
        if (missing.Count > 0)
            problems.Add($"it did not write {string.Join(", ", missing.Select(n => "$out/" + n))}");
        if (extra.Count > 0)
            problems.Add($"it wrote {string.Join(", ", extra.Select(n => "$out/" + n))}, which {(extra.Count == 1 ? "is" : "are")} not declared");
        if (notFiles.Count > 0)
            problems.Add($"{string.Join(", ", notFiles.Select(n => "$out/" + n))} {(notFiles.Count == 1 ? "is" : "are")} not a regular file");
        if (problems.Count > 0)
            throw new NixDeployException(ErrorCodes.ArtifactGeneratorOutputMismatch,
                $"The generator of {artifact.Key} must write exactly its declared files ({string.Join(", ", artifact.Files.Keys)}), but {string.Join("; ", problems)}. Nothing was stored: fix the generator or the file declarations.", file);
    }

    // In memory when the machine offers it, so plaintext does not reach a disk: the user's runtime folder or /dev/shm.
    private static string CreatePrivateFolder()
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Artifact generators run on Linux and macOS only.");
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var parent = !string.IsNullOrEmpty(runtime) && Directory.Exists(runtime) ? runtime
            : Directory.Exists("/dev/shm") ? "/dev/shm"
            : Path.GetTempPath();
        var folder = Path.Combine(parent, $"nixdeploy-artifact-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder, Private);
        return folder;
    }
}
