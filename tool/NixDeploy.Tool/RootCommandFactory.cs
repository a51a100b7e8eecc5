using System.CommandLine;
using NixDeploy.Tool.Commands;

namespace NixDeploy.Tool;

/// <summary>The command tree of <c>dotnet nixdeploy</c>.</summary>
public static class RootCommandFactory
{
    public static RootCommand Create() => new("dotnet nixdeploy: build, deploy and inspect a NixDeploy.Sdk fleet (the .nixdeploy project in this folder)")
    {
        TargetCommand.Create("eval", "EvaluateBlueprint", "Evaluate and validate the blueprint and the selected machines' configurations", deploys: false),
        TargetCommand.Create("build", "Build", "Build the selected machines' closures and write deployment.json", deploys: false),
        TargetCommand.Create("push", "PushCache", "Build, then upload the closures to the fleet's binary caches", deploys: true),
        TargetCommand.Create("deploy", "Deploy", "Build, then deploy the selected machines over SSH with health checks and rollback", deploys: true),
        PlanCommand.Create(),
        StatusCommand.Create(),
        RollbackCommand.Create(),
        ExecCommand.Create(),
        CompletionsCommand.Create(),
        CacheCommand.Create(),
        PostBuildHookCommand.Create(),
        ArtifactsCommand.Create(),
        ServeCommand.Create(),
        BuildsCommand.Create(),
        MachineCommand.Create(),
    };
}
