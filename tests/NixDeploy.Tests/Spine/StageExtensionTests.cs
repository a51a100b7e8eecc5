using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Spine;

/// <summary>
/// A project extends the SDK the way Microsoft.Common projects do, in its own body and naming only public things:
/// it reads the SDK's paths, appends to and prepends before a stage's $(StageDependsOn), and overrides the stage's
/// Before/After hooks. Where each extension runs is read from the order of the targets in the build's log.
/// </summary>
public sealed class StageExtensionTests
{
    // The paths a project body can use, and the folder the build writes to.
    private static readonly string[] Paths =
        ["NixDeployFlake", "NixDeployOutputPath", "NixDeployIntermediatePath", "NixDeployManifestFile", "NixDeployReportFile", "NixDeployDryRunReportFile", "NixDeployArtifactsPath"];

    /// <summary>
    /// Per stage: the stage that must be complete before its Before hook (or null), and its first and last own step.
    /// The steps are the SDK's private targets: the test names them to place the user's targets, the user never does.
    /// </summary>
    public static TheoryData<string, string?, string, string> Stages => new()
    {
        { "EvaluateBlueprint", null, "_NixDeployCollectInputs", "_NixDeployGetMachines" },
        { "BuildClosures", "EvaluateBlueprint", "_NixDeployBuildClosures", "_NixDeployGetBuiltMachines" },
        { "GenerateArtifacts", "BuildClosures", "_NixDeployCollectArtifactInputs", "_NixDeployGenerateManifest" },
        { "PushCache", "GenerateArtifacts", "_NixDeployCollectCacheSettings", "_NixDeployRecordFileWrites" },
        { "PublishDeployment", "PushCache", "_NixDeployPublishDeployment", "_NixDeployPublishDeployment" },
        { "Deploy", "GenerateArtifacts", "_NixDeployDeclareDeployReport", "_NixDeployDeploy" },
        { "Build", null, "_NixDeployCollectInputs", "_NixDeployRecordFileWrites" },
        { "Clean", null, "_NixDeployClean", "_NixDeployClean" },
    };

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task A_project_extends_a_stage_through_its_dependency_list_and_hooks(string stage, string? needs, string firstStep, string lastStep)
    {
        // An empty fleet: every stage runs (Deploy deploys no machine), and quickly.
        using var project = await new TestFleet()
            .Project("extend" + stage.ToLowerInvariant(), p => p
                .Property(stage + "DependsOn", $"Prepended;$({stage}DependsOn);Appended")
                // PublishDeployment needs a control plane to name; an empty fleet has not changed, so it is not asked.
                .Property("NixDeployControlPlane", stage == "PublishDeployment" ? "http://127.0.0.1:9/" : "")
                .Raw("""<Target Name="Prepended" />""")
                .Raw("""<Target Name="Appended" />""")
                .Raw($"""<Target Name="Before{stage}" />""")
                .Raw($"""<Target Name="After{stage}" />"""))
            .CreateAsync();

        var result = await project.Dotnet().WithTargets(stage).BuildAsync();

        result.AssertSucceeded();
        var order = result.TargetOrder;
        int Position(string target)
        {
            var position = order.ToList().IndexOf(target);
            Assert.True(position >= 0, $"{target} did not run; the targets were: {string.Join(", ", order)}");
            return position;
        }

        Assert.True(Position("Prepended") < Position("Before" + stage), string.Join(", ", order));
        if (needs is not null)
        {
            Assert.True(Position("Prepended") < Position(needs), string.Join(", ", order));
            Assert.True(Position(needs) < Position("Before" + stage), string.Join(", ", order));
        }
        Assert.True(Position("Before" + stage) < Position(firstStep), string.Join(", ", order));
        Assert.True(Position(lastStep) < Position("After" + stage), string.Join(", ", order));
        Assert.True(Position("After" + stage) < Position("Appended"), string.Join(", ", order));
        Assert.True(Position("Appended") < Position(stage), string.Join(", ", order));
    }

    [Fact]
    public async Task A_project_body_uses_the_sdks_paths()
    {
        using var project = await new TestFleet()
            .Project("bodypaths", p =>
            {
                p.Property("PublishedManifest", "$(MSBuildProjectDirectory)/published/$([System.IO.Path]::GetFileName('$(NixDeployManifestFile)'))");
                foreach (var path in Paths)
                    p.Property("Seen" + path, $"$({path})");
                p.Raw("""
                    <Target Name="Publish" AfterTargets="GenerateArtifacts">
                      <Copy SourceFiles="$(NixDeployManifestFile)" DestinationFiles="$(PublishedManifest)" />
                    </Target>
                    """);
                p.Raw($"""
                    <Target Name="ShowPaths" AfterTargets="Publish">
                      {string.Concat(Paths.Select(path => $"""<Message Importance="high" Text="PATH {path} |$(Seen{path})| |$({path})|" />"""))}
                    </Target>
                    """);
            })
            .CreateAsync();

        var result = await project.Dotnet().BuildAsync();

        result.AssertSucceeded();
        Assert.Equal(File.ReadAllBytes(Manifests.PathIn(project)), File.ReadAllBytes(project.PathOf("published/deployment.json")));
        foreach (var path in Paths)
        {
            var line = result.StandardOutput.Split('\n').Single(l => l.Contains($"PATH {path} "));
            var values = line[line.IndexOf('|')..].Trim().Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(value => value.Length > 0).ToArray();
            // What the body saw is what the stages use.
            Assert.True(values.Length == 2 && values[0] == values[1], line);
        }
    }

    [Fact]
    public async Task Paths_follow_what_the_project_body_and_the_user_file_move()
    {
        // Sdk.props derives the paths before the body and the .user file; what the stages use follows both.
        using var project = await TestProject.Named("movedpaths")
            .WithProject(p => p
                .Property("NixDeployFlake", "fleet")
                .Property("BaseIntermediateOutputPath", "tmp/")
                .Raw("""
                    <Target Name="ShowPaths">
                      <Message Importance="high" Text="ARTIFACTS $(NixDeployArtifactsPath)" />
                      <Message Importance="high" Text="INTERMEDIATE $(NixDeployIntermediatePath)" />
                      <Message Importance="high" Text="MANIFEST $(NixDeployManifestFile)" />
                      <Message Importance="high" Text="REPORT $(NixDeployReportFile)" />
                      <Message Importance="high" Text="DRYRUN $(NixDeployDryRunReportFile)" />
                    </Target>
                    """))
            .WithFile("movedpaths.nixdeploy.user", """
                <Project>
                  <PropertyGroup>
                    <NixDeployOutputPath>out</NixDeployOutputPath>
                  </PropertyGroup>
                </Project>
                """)
            .WithFile("fleet/flake.nix", TestFleet.FlakeNix)
            .CreateAsync();

        var result = await project.Dotnet().WithTargets("ShowPaths").BuildAsync();

        result.AssertSucceeded();
        Assert.Contains($"ARTIFACTS {project.PathOf("fleet")}/artifacts/", result.StandardOutput);
        Assert.Contains("INTERMEDIATE tmp/nixdeploy/", result.StandardOutput);
        Assert.Contains("MANIFEST out/deployment.json", result.StandardOutput);
        Assert.Contains("REPORT out/deploy-report.json", result.StandardOutput);
        Assert.Contains("DRYRUN out/deploy-dry-run.json", result.StandardOutput);
    }
}
