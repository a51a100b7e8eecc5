using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.InfrastructureTests;

public sealed class MSBuildDiagnosticParserTests
{
    [Theory]
    // As the console logger prints them at normal verbosity (node prefix), at minimal (project suffix), and in the summary.
    [InlineData("     1>/tmp/p.proj(11,5): error ND9999: it broke: here", "/tmp/p.proj", 11, 5, "it broke: here")]
    [InlineData("/tmp/p.proj(11,5): error ND9999: it broke: here [/tmp/p.proj]", "/tmp/p.proj", 11, 5, "it broke: here")]
    [InlineData("  1:2>/tmp/p.proj(11): error ND9999: it broke", "/tmp/p.proj", 11, null, "it broke")]
    [InlineData("/tmp/p.proj : error ND9999: no position", "/tmp/p.proj", null, null, "no position")]
    public void Canonical_error_lines_give_code_file_position_and_message(string line, string file, int? lineNumber, int? column, string message)
    {
        var diagnostic = MSBuildDiagnosticParser.TryParseLine(line);

        Assert.Equal(new BuildDiagnostic(BuildDiagnosticSeverity.Error, "ND9999", file, lineNumber, column, message), diagnostic);
    }

    [Fact]
    public void Origin_without_a_file_and_diagnostics_without_a_code_are_kept()
    {
        Assert.Equal(
            new BuildDiagnostic(BuildDiagnosticSeverity.Error, "MSB1009", "MSBUILD", null, null, "Project file does not exist."),
            MSBuildDiagnosticParser.TryParseLine("MSBUILD : error MSB1009: Project file does not exist."));
        Assert.Equal(
            new BuildDiagnostic(BuildDiagnosticSeverity.Warning, null, "/tmp/p.proj", 3, 7, "uncoded"),
            MSBuildDiagnosticParser.TryParseLine("/tmp/p.proj(3,7): warning : uncoded"));
    }

    [Theory]
    [InlineData("    0 Error(s)")]
    [InlineData("Build started 11/23/2026 11:12:52.")]
    [InlineData("       Skipping target \"Quiet\" because all output files are up-to-date with respect to the input files.")]
    [InlineData("         hello: the error count is zero")]
    public void Other_log_lines_are_not_diagnostics(string line)
    {
        Assert.Null(MSBuildDiagnosticParser.TryParseLine(line));
    }

    [Fact]
    public void A_diagnostic_repeated_in_the_build_summary_is_reported_once()
    {
        const string output = """
                 1>/tmp/p.proj(11,5): error ND9999: it broke
            Build FAILED.
                   /tmp/p.proj(11,5): error ND9999: it broke
                   /tmp/p.proj(12,5): error ND9998: and this
            """;

        var codes = MSBuildDiagnosticParser.Parse(output).Select(diagnostic => diagnostic.Code);

        Assert.Equal(["ND9999", "ND9998"], codes);
    }
}
