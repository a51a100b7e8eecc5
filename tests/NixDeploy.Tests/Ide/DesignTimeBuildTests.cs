using System.Text.Json.Nodes;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Ide;

/// <summary>
/// What an IDE does with a fleet: loads it through design-time builds (which must succeed and never start Nix),
/// lists its files, asks for its fast up-to-date check inputs, and builds it inside a solution of C# projects.
/// </summary>
public sealed class DesignTimeBuildTests
{
    // Visual Studio's and C# Dev Kit's design-time targets (dotnet/project-system's list), and Rider's/Roslyn's Compile.
    private static readonly string[] DesignTimeTargets =
    [
        "ResolveAssemblyReferencesDesignTime", "ResolveProjectReferencesDesignTime", "ResolveProjectReferencesDesignTime2",
        "ResolveComReferencesDesignTime", "ResolveFrameworkReferencesDesignTime", "ResolvePackageDependenciesDesignTime",
        "CollectPackageReferences", "CollectPackageDownloads", "CollectFrameworkReferences", "CollectCentralPackageVersions",
        "CollectAnalyzersDesignTime", "CollectResolvedCompilationReferencesDesignTime", "CollectResolvedSDKReferencesDesignTime",
        "CollectSDKReferencesDesignTime", "CollectSuggestedWorkloads", "CollectCopyToOutputDirectoryItemDesignTime",
        "CollectUpToDateCheckInputDesignTime", "CollectUpToDateCheckBuiltDesignTime", "CollectUpToDateCheckOutputDesignTime",
        "GenerateSupportedTargetFrameworkAlias", "BuiltProjectOutputGroup", "DebugSymbolsProjectOutputGroup",
        "SourceFilesProjectOutputGroup", "CompileDesignTime", "Compile", "CoreCompile",
    ];

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Every_design_time_target_an_ide_calls_succeeds_without_starting_nix()
    {
        using var project = await new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web").Project("designtime").CreateAsync();
        var marker = Path.Combine(project.Folder, "nix-was-started");
        var nix = Path.Combine(project.Folder, "nix-that-must-not-run");
        await File.WriteAllTextAsync(nix, $"#!/bin/sh\ntouch '{marker}'\nexit 1\n");
        File.SetUnixFileMode(nix, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = await project.Dotnet()
            .WithTargets(DesignTimeTargets)
            .WithProperty("DesignTimeBuild", "true")
            .WithProperty("BuildingInsideVisualStudio", "true")
            .WithProperty("NixDeployNixExecutable", nix)
            .MsbuildAsync();

        result.AssertSucceeded();
        Assert.False(File.Exists(marker), "a design-time build started Nix");
        Assert.False(File.Exists(project.PathOf("obj/nixdeploy/evaluation.json")));
    }

    [Fact]
    public async Task The_ide_lists_the_flake_files_and_watches_them_for_the_fast_up_to_date_check()
    {
        using var project = await new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web").Project("items").CreateAsync();
        project.WriteFile("motd.txt", "hello\n");
        (await project.Dotnet().BuildAsync()).AssertSucceeded();

        var result = await project.Dotnet()
            .WithArgument("-getItem:None")
            .WithArgument("-getItem:UpToDateCheckInput")
            .WithArgument("-getItem:UpToDateCheckBuilt")
            .WithArgument("-getItem:ProjectCapability")
            .WithArgument("-getProperty:DefaultProjectTypeGuid")
            .WithVerbosity("q")
            .MsbuildAsync();

        result.AssertSucceeded();
        var json = JsonNode.Parse(result.StandardOutput)!;
        string[] Relative(string item) => json["Items"]![item]!.AsArray()
            .Select(i => Path.GetRelativePath(project.Directory, i!["FullPath"]!.GetValue<string>())).Order().ToArray();
        var listed = Relative("None");
        Assert.Contains("flake.nix", listed);
        Assert.Contains("machines/web-1.nix", listed);
        Assert.Contains("motd.txt", listed);
        Assert.DoesNotContain(listed, f => f.StartsWith("bin/") || f.StartsWith("obj/") || f.StartsWith(".git"));
        Assert.Contains("machines/web-1.nix", Relative("UpToDateCheckInput"));
        Assert.Contains("motd.txt", Relative("UpToDateCheckInput"));
        Assert.Equal(["bin/nixdeploy/deployment.json"], Relative("UpToDateCheckBuilt"));
        Assert.Contains(json["Items"]!["ProjectCapability"]!.AsArray(), c => c!["Identity"]!.GetValue<string>() == "NixDeploy");
        Assert.Equal("{13B669BE-BB05-4DDF-9536-439F39A36129}", json["Properties"]!["DefaultProjectTypeGuid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dotnet_msbuild_runs_the_tasks_in_process_and_the_net_task_host_that_visual_studio_uses_builds_the_fleet()
    {
        using var project = await new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web").Project("taskhost").CreateAsync();

        var inProcess = await project.Dotnet()
            .WithArgument("-getProperty:_NixDeployTaskFactory").WithArgument("-getProperty:_NixDeployTaskRuntime")
            .WithVerbosity("q").MsbuildAsync();
        inProcess.AssertSucceeded();
        var properties = JsonNode.Parse(inProcess.StandardOutput)!["Properties"]!;
        Assert.Equal("AssemblyTaskFactory", properties["_NixDeployTaskFactory"]!.GetValue<string>());
        Assert.Equal("CurrentRuntime", properties["_NixDeployTaskRuntime"]!.GetValue<string>());

        // .NET Framework MSBuild (MSBuildRuntimeType Full) takes this branch; here it is forced, and must build for real.
        var taskHost = await project.Dotnet().WithProperty("_NixDeployTasksInNetTaskHost", "true").BuildAsync();

        taskHost.AssertSucceeded();
        Assert.Contains("Launching task \"EvaluateBlueprint\"", taskHost.DetailedLog);
        Assert.Contains("in an external task host with a runtime of \"NET\"", taskHost.DetailedLog);
        var manifest = JsonNode.Parse(File.ReadAllText(Manifests.PathIn(project)))!;
        Assert.StartsWith("/nix/store/", manifest["closures"]!["web-1"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_solution_mixing_a_fleet_with_a_csharp_project_builds_both()
    {
        using var project = await new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web").Project("mixed").CreateAsync();
        var library = Path.Combine(project.Folder, "lib");
        Directory.CreateDirectory(library);
        await File.WriteAllTextAsync(Path.Combine(library, "Lib.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        await File.WriteAllTextAsync(Path.Combine(library, "Greeting.cs"), "namespace Lib; public static class Greeting { public const string Text = \"hi\"; }");
        foreach (var arguments in new[]
                 {
                     new[] { "new", "sln", "--name", "mixed", "--format", "slnx" },
                     ["sln", "mixed.slnx", "add", Path.GetFileName(project.ProjectFile)],
                     ["sln", "mixed.slnx", "add", Path.Combine(library, "Lib.csproj")],
                 })
        {
            var step = await DotnetCommand.RunAsync(project.Directory, arguments);
            Assert.True(step.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}: {step.StandardOutput}{step.StandardError}");
        }

        var build = await new DotnetBuild(project.PathOf("mixed.slnx"), project.LogDirectory).BuildAsync();

        build.AssertSucceeded();
        Assert.True(File.Exists(Manifests.PathIn(project)));
        Assert.True(File.Exists(Path.Combine(library, "bin", "Debug", "net10.0", "Lib.dll")));
    }
}
