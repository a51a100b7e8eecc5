using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Artifacts;

/// <summary><c>dotnet nixdeploy artifacts check|generate|list</c> on a real fleet, run as the installed tool.</summary>
public sealed class ArtifactToolTests
{
    [Fact]
    public async Task Check_fails_on_missing_artifacts_generate_stores_them_and_then_check_passes()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("tool", keys, """
            { web-1.ssh = { file.key = { }; file."key.pub".secret = false; generator = ''ssh-keygen -q -t ed25519 -N "" -f "$out/key"''; }; }
            """).CreateAsync();

        var missing = await InstalledTool.RunAsync(project.Directory, "artifacts", "check");
        var generated = await InstalledTool.RunAsync(project.Directory, "artifacts", "generate");
        var check = await InstalledTool.RunAsync(project.Directory, "artifacts", "check");
        var list = await InstalledTool.RunAsync(project.Directory, "artifacts", "list");

        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("ND6013", missing.StandardError);
        Assert.Contains("web-1/ssh is missing", missing.StandardError);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        Assert.Contains("web-1/ssh: generated", generated.StandardOutput);
        Assert.StartsWith("-----BEGIN AGE ENCRYPTED FILE-----", File.ReadAllText(project.PathOf("artifacts/per-machine/web-1/ssh/key")));
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("web-1/ssh machines=web-1 files=key,key.pub state=stored", list.StandardOutput);
    }

    [Fact]
    public async Task Generate_without_a_terminal_fails_on_a_prompt_with_a_coded_error_instead_of_waiting()
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("toolprompt", keys, """
            { web-2.db = { prompt.password.type = "hidden"; file.password = { }; generator = ''cat "$prompt/password" > "$out/password"''; }; }
            """).CreateAsync();

        var result = await InstalledTool.RunAsync(project.Directory, "artifacts", "generate", "--on", "web-2");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("ND6007", result.StandardError);
        Assert.Contains("web-2/db", result.StandardError);
        Assert.False(Directory.Exists(project.PathOf("artifacts")));
    }
}
