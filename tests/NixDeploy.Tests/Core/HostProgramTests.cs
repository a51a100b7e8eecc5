using System.Reflection;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Host;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Core;

/// <summary>
/// The host-side programs (tasks/NixDeploy.Core/Host/*.sh) against <see cref="HostProtocol"/>, and shellcheck over every
/// shell script of the repository.
/// </summary>
public sealed partial class HostProgramTests
{
    private static readonly string HostDirectory = Path.Combine(RepositoryRoot.Path, "tasks", "NixDeploy.Core", "Host");

    private static readonly string[] ScriptDirectories = [".ci", "scripts", "tasks/NixDeploy.Core/Host", "tests/hosts", "tests/caches", "tests/workloads", "bench", "bench/lib", "tool/NixDeploy.Tool/Completions"];

    public static TheoryData<string> Programs()
    {
        var programs = new TheoryData<string>();
        foreach (var name in ProgramNames())
            programs.Add(name);
        return programs;
    }

    [Fact]
    public void Each_program_is_sent_as_the_library_and_its_own_file()
    {
        var programs = new Dictionary<string, HostProgram>
        {
            ["agent"] = HostProgram.Agent, ["watchdog"] = HostProgram.Watchdog, ["live"] = HostProgram.Live, ["placement"] = HostProgram.Placement,
            ["escalate"] = HostProgram.Escalate,
            ["workload"] = HostProgram.Workload,
            ["pull-agent"] = HostProgram.PullAgent,
        };
        Assert.Equal(ProgramNames(), programs.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, program) in programs)
        {
            Assert.Equal(HostProgram.WithoutComments(Read("lib") + Read(file)), program.Text);
            Assert.DoesNotContain("\n#", program.Text);
        }
    }

    // The files as composed (with their comments, which hold shellcheck's directives), and as sent, which sh must parse.
    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Each_program_passes_shellcheck_and_parses_as_sent(string program)
    {
        var result = await Cli.Wrap(Shellcheck()).WithArguments(["-f", "gcc", "-s", "sh", "-"])
            .WithStandardInputPipe(PipeSource.FromString(Read("lib") + WithoutHeaderDirective(Read(program))))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"shellcheck finds in lib.sh + {program}.sh (line numbers count from lib.sh's first line):\n{result.StandardOutput}{result.StandardError}");
        var parsed = await Cli.Wrap("sh").WithArguments(["-n"]).WithStandardInputPipe(PipeSource.FromString(HostProgram.WithoutComments(Read("lib") + Read(program))))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(parsed.ExitCode == 0, parsed.StandardError);
    }

    [Fact]
    public async Task Every_shell_script_of_the_repository_passes_shellcheck()
    {
        var scripts = ScriptDirectories.SelectMany(directory => Directory.GetFiles(Path.Combine(RepositoryRoot.Path, directory)))
            .Where(IsShellScript).Select(file => Path.GetRelativePath(RepositoryRoot.Path, file)).Order().ToList();
        Assert.Contains("scripts/install-prereqs.sh", scripts);
        Assert.Contains("bench/deploy", scripts);
        Assert.Contains("tool/NixDeploy.Tool/Completions/nixdeploy.bash", scripts);
        var result = await Cli.Wrap(Shellcheck()).WithArguments(["-f", "gcc", .. scripts]).WithWorkingDirectory(RepositoryRoot.Path)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"shellcheck finds:\n{result.StandardOutput}{result.StandardError}");
    }

    [Fact]
    public void The_library_defines_each_protocol_value_once_as_HostProtocol_does()
    {
        var defined = Directory.GetFiles(HostDirectory, "*.sh")
            .SelectMany(file => File.ReadLines(file).Select(line => Assignment().Match(line)).Where(match => match.Success)
                .Select(match => (File: Path.GetFileName(file), Name: match.Groups[1].Value, Value: match.Groups[2].Value)))
            .ToList();
        var expected = Constants(typeof(HostProtocol), "").Concat(Constants(typeof(HostProtocol.Exit), "exit_")).ToList();
        foreach (var (name, value) in expected)
            Assert.Equal([("lib.sh", name, value)], defined.Where(d => d.Name == name));
        var undeclared = defined.Where(d => d.Name.StartsWith("exit_", StringComparison.Ordinal) && expected.All(e => e.Name != d.Name));
        Assert.Empty(undeclared);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    [InlineData("lib")]
    public void Programs_spell_no_host_path_and_no_exit_code_but_through_the_library(string program)
    {
        var protocol = Constants(typeof(HostProtocol), "").Concat(Constants(typeof(HostProtocol.Exit), "exit_")).Select(constant => constant.Name).ToHashSet();
        var paths = Constants(typeof(HostProtocol), "").Select(constant => constant.Value).ToList();
        var offending = File.ReadLines(Path.Combine(HostDirectory, program + ".sh"))
            .Select((line, index) => (Line: line, Number: index + 1))
            .Where(l => !l.Line.TrimStart().StartsWith('#') && !IsDefinition(l.Line, protocol))
            .Where(l => paths.Any(path => l.Line.Contains(path, StringComparison.Ordinal)) || NumericExit().IsMatch(l.Line))
            .Select(l => $"{program}.sh:{l.Number}: {l.Line.Trim()}");
        Assert.Empty(offending);
    }

    [Fact]
    public void No_csharp_source_spells_a_host_path_or_holds_a_shell_program()
    {
        var paths = Constants(typeof(HostProtocol), "").Select(constant => constant.Value).ToList();
        var sources = new[] { "tasks", "tool" }.SelectMany(directory => Directory.GetFiles(Path.Combine(RepositoryRoot.Path, directory), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileName(file) != "HostProtocol.cs");
        var offending = sources.SelectMany(file => File.ReadLines(file).Select((line, index) => (File: file, Line: line, Number: index + 1)))
            .Where(l => !l.Line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Where(l => paths.Any(path => l.Line.Contains($"\"{path}", StringComparison.Ordinal)) || ShellSyntax().IsMatch(l.Line))
            .Select(l => $"{Path.GetRelativePath(RepositoryRoot.Path, l.File)}:{l.Number}: {l.Line.Trim()}");
        Assert.Empty(offending);
    }

    // Every Host/*.sh but the library is a program.
    private static IEnumerable<string> ProgramNames() => Directory.GetFiles(HostDirectory, "*.sh")
        .Select(file => Path.GetFileNameWithoutExtension(file)).Where(name => name != "lib").Order(StringComparer.Ordinal);

    private static bool IsDefinition(string line, IReadOnlySet<string> protocol) =>
        Assignment().Match(line) is { Success: true } definition && protocol.Contains(definition.Groups[1].Value);

    // A program's first line tells shellcheck, for the file alone, that lib.sh defines the names it uses; behind
    // lib.sh that is known, and the line would only hide a finding in the program's first command.
    private static string WithoutHeaderDirective(string text) =>
        text.StartsWith("# shellcheck ", StringComparison.Ordinal) ? text[(text.IndexOf('\n') + 1)..] : text;

    private static string Read(string program) => File.ReadAllText(Path.Combine(HostDirectory, program + ".sh"));

    private static IEnumerable<(string Name, string Value)> Constants(Type type, string prefix) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(field => field.IsLiteral)
            .Select(field => (prefix + SnakeCase(field.Name), Convert.ToString(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)!));

    private static string SnakeCase(string name) => UpperLetter().Replace(name, match => (match.Index == 0 ? "" : "_") + match.Value.ToLowerInvariant());

    private static bool IsShellScript(string file)
    {
        if (file.EndsWith(".sh", StringComparison.Ordinal) || file.EndsWith(".bash", StringComparison.Ordinal))
            return true;
        using var reader = new StreamReader(file);
        var first = reader.ReadLine() ?? "";
        return first.StartsWith("#!", StringComparison.Ordinal) && (first.EndsWith("sh", StringComparison.Ordinal) || first.EndsWith("bash", StringComparison.Ordinal));
    }

    private static string Shellcheck() =>
        File.Exists("/usr/bin/shellcheck") ? "/usr/bin/shellcheck" : throw new InvalidOperationException("shellcheck is not installed: run scripts/install-prereqs.sh");

    // A protocol definition in lib.sh: name=value, alone on its line.
    [GeneratedRegex(@"^\s*([a-z_]+)=(\S+)\s*$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\bexit\s+[0-9]")]
    private static partial Regex NumericExit();

    // What only a shell program holds: its control words at a line's end or before a command.
    [GeneratedRegex(@"; then\b|\besac\b|; do\b|\bfi;?$|^\s*set -[eu]")]
    private static partial Regex ShellSyntax();

    [GeneratedRegex("[A-Z]")]
    private static partial Regex UpperLetter();
}
