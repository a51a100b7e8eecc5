using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>
/// `dotnet nixdeploy completions bash|zsh|fish`, loaded into the real shell, completes commands and options as the
/// installed tool answers them, both as `dotnet-nixdeploy` and as `dotnet nixdeploy`.
/// </summary>
public sealed class CompletionsToolTests
{
    [Theory]
    [InlineData("dotnet-nixdeploy de", "deploy")]
    [InlineData("dotnet nixdeploy deploy --pa", "--parallel")]
    [InlineData("dotnet-nixdeploy completions f", "fish")]
    public async Task Bash_completes_from_the_tools_own_answers(string line, string expected)
    {
        var words = line.Split(' ');
        var script = $$"""
            eval "$(dotnet-nixdeploy completions bash)"
            COMP_LINE='{{line}}'; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=({{string.Join(' ', words)}}); COMP_CWORD={{words.Length - 1}}
            "$(complete -p {{words[0]}} | sed 's/.*-F \([^ ]*\) .*/\1/')"
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        Assert.Equal([expected], await CompletionsAsync("bash", "-c", script));
    }

    [Fact]
    public async Task Zsh_completes_from_the_tools_own_answers()
    {
        // compadd only works inside zsh's completion widget; here it prints what it was given that matches the
        // typed prefix, as the widget's compadd does with $PREFIX.
        var script = """
            autoload -Uz compinit && compinit -u -D
            eval "$(dotnet-nixdeploy completions zsh)"
            compadd() { shift; local w; for w in "$@"; do [[ $w == ${PREFIX}* ]] && print -- $w; done; return 0; }
            words=(dotnet nixdeploy pl); CURRENT=3; PREFIX=pl
            _dotnet_nixdeploy
            """;
        Assert.Equal(["plan"], await CompletionsAsync("zsh", "-f", "-c", script));
    }

    [Theory]
    [InlineData("dotnet-nixdeploy ro", "rollback")]
    [InlineData("dotnet nixdeploy status --j", "--json")]
    public async Task Fish_completes_from_the_tools_own_answers(string line, string expected)
    {
        var script = $"dotnet-nixdeploy completions fish | source; complete -C '{line}'";
        Assert.Equal([expected], (await CompletionsAsync("fish", "--no-config", "-c", script)).Select(c => c.Split('\t')[0]));
    }

    private static async Task<IReadOnlyList<string>> CompletionsAsync(string shell, params string[] arguments)
    {
        var tools = Path.GetDirectoryName(await InstalledTool.PathAsync())!;
        var result = await InstalledTool.RunProcessAsync(shell, arguments, TestRunDirectory.Root,
            new Dictionary<string, string?> { ["PATH"] = tools + ":" + Environment.GetEnvironmentVariable("PATH") });
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
