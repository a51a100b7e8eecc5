using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Artifacts;

/// <summary>Prompt answers come only from what configuration names, and secrets reach no log, manifest or store path.</summary>
public sealed class ArtifactSecrecyTests
{
    private const string PasswordFromPrompt = """
        {
          web-1.db-password = {
            prompt.password = { description = "The database password"; type = "hidden"; };
            file.password = { path = "/run/secrets/db-password"; owner = "postgres"; };
            generator = ''
              echo "db-password" >> "$RUN_LOG"
              cat "$prompt/password" > "$out/password"
            '';
          };
        }
        """;

    [Fact]
    public async Task A_missing_prompt_answer_is_an_error_naming_the_artifact_and_prompt_and_never_waits_for_stdin()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("noanswer", keys, PasswordFromPrompt).CreateAsync();

        var result = await ArtifactFleet.Build(project).WithTimeout(TimeSpan.FromMinutes(2)).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors.DistinctBy(e => e.Code), e => e.Code == "ND6007");
        Assert.Contains("web-1/db-password", error.Message);
        Assert.Contains("'password'", error.Message);
        Assert.Contains("NixDeployArtifactPrompt", error.Message);
        Assert.Empty(ArtifactFleet.Runs(project));
        Assert.False(Directory.Exists(project.PathOf("artifacts")), "something was stored without the prompt");
        Assert.False(File.Exists(Manifests.PathIn(project)));
    }

    [Fact]
    public async Task A_generator_that_reads_stdin_gets_end_of_file_instead_of_hanging_the_build()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("stdin", keys, """
            { web-1.typed = { file.value = { }; generator = "read -r answer; echo \"$answer\" > \"$out/value\""; }; }
            """).CreateAsync();

        var result = await ArtifactFleet.Build(project).WithTimeout(TimeSpan.FromMinutes(2)).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Contains(result.Errors, e => e.Code == "ND6008" && e.Message.Contains("web-1/typed"));
    }

    [Theory]
    [InlineData("EnvironmentVariable")]
    [InlineData("File")]
    public async Task A_prompted_secret_appears_in_no_log_binlog_manifest_or_nix_store_path(string source)
    {
        var secret = $"s3cret-{Guid.NewGuid():N}";
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        var answerFile = Path.Combine(keys.Folder, "db-password.txt");
        File.WriteAllText(answerFile, secret + "\n");
        using var project = await ArtifactFleet.Project("secrecy", keys, PasswordFromPrompt, configure: p => p.Item("NixDeployArtifactPrompt", "web-1/db-password/password",
                new Dictionary<string, string> { [source] = source == "File" ? answerFile : "DB_PASSWORD" }))
            .CreateAsync();
        var storeBefore = Directory.GetFileSystemEntries("/nix/store").ToHashSet();

        var result = await ArtifactFleet.Build(project).WithEnvironment("DB_PASSWORD", secret).WithVerbosity("diag").WithBinaryLog().BuildAsync();

        result.AssertSucceeded();
        var stored = project.PathOf("artifacts/per-machine/web-1/db-password/password");
        Assert.Equal(secret, await ArtifactKeys.DecryptAsync(keys.HostIdentityFile("web-1"), stored));
        Assert.DoesNotContain(secret, result.StandardOutput + result.StandardError);
        Assert.DoesNotContain(secret, result.DetailedLog);
        var binaryLog = BinaryLog.Text(result.BinaryLogPath!);
        Assert.Contains("web-1/db-password/password", binaryLog);
        Assert.DoesNotContain(secret, binaryLog);
        Assert.DoesNotContain(secret, File.ReadAllText(Manifests.PathIn(project)));
        foreach (var file in Directory.EnumerateFiles(project.PathOf("obj"), "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(secret, File.ReadAllText(file));
        // Other tests build at the same time: their builds' lock files (empty, flock-held by Nix) are no store paths.
        var newStorePaths = Directory.GetFileSystemEntries("/nix/store")
            .Where(path => !storeBefore.Contains(path) && !path.EndsWith(".lock", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(newStorePaths);
        foreach (var file in newStorePaths.SelectMany(FilesUnder))
            Assert.False(File.ReadAllText(file).Contains(secret, StringComparison.Ordinal), $"{file} holds the secret");
    }

    private static IEnumerable<string> FilesUnder(string path) =>
        File.Exists(path) ? [path]
        : Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
        : [];
}
