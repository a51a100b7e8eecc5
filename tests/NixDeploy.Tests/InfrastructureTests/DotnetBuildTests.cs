using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.InfrastructureTests;

/// <summary>
/// The runner and its log parsing, against plain MSBuild projects (no NixDeploy.Sdk) so they hold whatever state the
/// SDK is in. Each expectation was first checked by hand against MSBuild's real output.
/// </summary>
public sealed class DotnetBuildTests
{
    // Generate lives in an imported file: MSBuild logs imported targets differently ("in file ... from project").
    private const string GenerateTargets = """
        <Project>
          <Target Name="Generate" Inputs="input.txt" Outputs="$(MSBuildProjectDirectory)/obj/generated.txt">
            <Copy SourceFiles="input.txt" DestinationFiles="$(MSBuildProjectDirectory)/obj/generated.txt" />
          </Target>
        </Project>
        """;

    [Fact]
    public async Task Incremental_target_runs_then_is_skipped_until_its_input_changes()
    {
        using var project = await TestProject.Named("incremental").WithoutSdk()
            .WithProject(p => p
                .Raw("""<Import Project="generate.targets" />""")
                .Target("Silent")
                .Target("NeverCalled")
                .Target("Build", t => t.DependsOn("Generate;Silent")))
            .WithFile("generate.targets", GenerateTargets)
            .WithFile("input.txt", "one")
            .CreateAsync();

        var first = await project.Dotnet().WithTargets("Build").BuildAsync();
        first.AssertSucceeded();
        Assert.True(first.TargetRan("Generate"));
        Assert.False(first.TargetSkipped("Generate"));
        Assert.True(first.TargetRan("Silent"));
        Assert.False(first.TargetRan("NeverCalled"));
        Assert.False(first.TargetSkipped("NeverCalled"));

        var second = await project.Dotnet().WithTargets("Build").BuildAsync();
        second.AssertSucceeded();
        Assert.True(second.TargetSkipped("Generate"));
        Assert.False(second.TargetRan("Generate"));
        Assert.Contains("Skipping target \"Generate\" because all output files are up-to-date", second.StandardOutput);

        project.WriteFile("input.txt", "two");
        File.SetLastWriteTimeUtc(project.PathOf("input.txt"), DateTime.UtcNow.AddMinutes(1));
        var third = await project.Dotnet().WithTargets("Build").BuildAsync();
        third.AssertSucceeded();
        Assert.True(third.TargetRan("Generate"));
        Assert.Equal("two", File.ReadAllText(project.PathOf("obj/generated.txt")));
    }

    [Fact]
    public async Task Errors_and_warnings_are_parsed_into_code_file_line_and_message()
    {
        using var project = await TestProject.Named("diagnostics").WithoutSdk()
            .WithProjectXml("""
                <Project>
                  <Target Name="Build">
                    <Warning Code="ND8888" Text="host web1 has no address" />
                    <Error Code="ND9999" Text="deployment failed: web1 unreachable" />
                  </Target>
                </Project>
                """)
            .CreateAsync();

        var result = await project.Dotnet().BuildAsync();

        result.AssertFailed();
        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.Errors);
        Assert.Equal(new BuildDiagnostic(BuildDiagnosticSeverity.Error, "ND9999", project.ProjectFile, 4, 5, "deployment failed: web1 unreachable"), error);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(new BuildDiagnostic(BuildDiagnosticSeverity.Warning, "ND8888", project.ProjectFile, 3, 5, "host web1 has no address"), warning);
        result.AssertNoStackTrace();
    }

    [Fact]
    public async Task Properties_environment_and_binary_log_reach_the_build()
    {
        using var project = await TestProject.Named("arguments").WithoutSdk()
            .WithProject(p => p.Target("Build", t => t
                .Task("Message", ("Importance", "high"), ("Text", "hosts=[$(Hosts)] probe=[$(ND_PROBE)]"))))
            .CreateAsync();

        var result = await project.Dotnet()
            .WithProperty("Hosts", "web1;web2,db")
            .WithEnvironment("ND_PROBE", "from-env")
            .WithBinaryLog()
            .BuildAsync();

        result.AssertSucceeded();
        Assert.Contains("hosts=[web1;web2,db] probe=[from-env]", result.StandardOutput);
        Assert.True(File.Exists(result.BinaryLogPath), $"no binary log at {result.BinaryLogPath}");
    }

    [Fact]
    public async Task A_build_over_its_timeout_is_killed_and_reported()
    {
        using var project = await TestProject.Named("timeout").WithoutSdk()
            .WithProject(p => p.Target("Build", t => t.Task("Exec", ("Command", "sleep 60"))))
            .CreateAsync();

        var started = DateTime.UtcNow;
        var exception = await Assert.ThrowsAsync<TimeoutException>(
            () => project.Dotnet().WithTimeout(TimeSpan.FromSeconds(5)).BuildAsync());

        Assert.Contains("did not finish within", exception.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the timed-out build was not stopped promptly");
    }
}
