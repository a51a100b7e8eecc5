using NixDeploy.Diagnostics;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Server;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.ControlPlane;

/// <summary>
/// PublishDeployment and Deploy with NixDeployControlPlane where no control plane answers: what they decide before
/// and without a server, and that a server that is not there fails the build with a code and leaves nothing behind.
/// No host is started: nothing may reach one.
/// </summary>
public sealed class ControlPlaneBuildTests
{
    private static readonly string Token = $"nd-build-token-{Guid.NewGuid():N}";

    [Fact]
    public async Task PublishDeployment_posts_only_a_changed_deployment_unless_forced_and_an_absent_server_is_ND8043()
    {
        var server = $"http://127.0.0.1:{LoopbackPort.Free()}";
        using var project = await new TestFleet().Machine("web-1", "127.0.0.50", 2222, "web").Project("publish").CreateAsync();
        File.WriteAllText(project.PathOf("ci.token"), Token);
        DotnetBuild Publish() => project.Dotnet().WithTargets("PublishDeployment")
            .WithProperty("NixDeployControlPlane", server).WithProperty("NixDeployControlPlaneTokenFile", "ci.token");

        // A first deployment has no previous one: it changed, so it is posted, and the absent server fails the build.
        var changed = await Publish().BuildAsync();

        changed.AssertFailed();
        changed.AssertNoStackTrace();
        var error = Assert.Single(changed.Errors);
        Assert.Equal(ErrorCodes.ControlPlaneUnreachable, error.Code);
        Assert.Contains(server, error.Message);
        Assert.Equal(project.ProjectFile, error.File);
        Assert.True(changed.TargetRan("PushCache"), "PublishDeployment runs after PushCache");

        var previous = Path.Combine(project.Folder, "previous-deployment.json");
        File.Copy(Manifests.PathIn(project), previous);
        var unchanged = await Publish().WithProperty("NixDeployPreviousManifest", previous).BuildAsync();

        unchanged.AssertSucceeded();
        Assert.Contains("has not changed since the previous deployment", unchanged.StandardOutput);
        Assert.Contains("not posted to", unchanged.StandardOutput);

        var forced = await Publish().WithProperty("NixDeployPreviousManifest", previous).WithProperty("NixDeployPublishAlways", "true").BuildAsync();

        forced.AssertFailed();
        Assert.Equal(ErrorCodes.ControlPlaneUnreachable, Assert.Single(forced.Errors).Code);
        Assert.DoesNotContain(Token, changed.StandardOutput + unchanged.StandardOutput + forced.StandardOutput);
    }

    [Fact]
    public async Task Deploy_through_an_absent_control_plane_is_ND8043_and_writes_no_report_while_bad_settings_fail_before_it_is_asked()
    {
        var server = $"http://127.0.0.1:{LoopbackPort.Free()}";
        using var project = await new TestFleet().Machine("web-1", "127.0.0.51", 2222, "web").Project("deploy-absent").CreateAsync();
        var variable = $"ND_TEST_TOKEN_{Guid.NewGuid():N}";
        DotnetBuild Deploy() => project.Dotnet().WithTargets("Deploy").WithEnvironment(NixEnvironment.Variables)
            .WithProperty("NixDeployControlPlane", server).WithProperty("NixDeployControlPlaneTokenVariable", variable);
        var report = project.PathOf("bin/nixdeploy/deploy-report.json");

        var absent = await Deploy().WithEnvironment(variable, Token).BuildAsync();
        var noToken = await Deploy().BuildAsync();
        var dryRun = await Deploy().WithEnvironment(variable, Token).WithProperty("NixDeployDryRun", "true").BuildAsync();
        var badWait = await Deploy().WithEnvironment(variable, Token).WithProperty("NixDeployWait", "sometimes").BuildAsync();
        var badUrl = await Deploy().WithEnvironment(variable, Token).WithProperty("NixDeployControlPlane", "deploy.example.org").BuildAsync();

        foreach (var (build, code) in new[]
                 {
                     (absent, ErrorCodes.ControlPlaneUnreachable), (noToken, ErrorCodes.ControlPlaneTokenUnreadable),
                     (dryRun, ErrorCodes.InvalidControlPlaneSetting), (badWait, ErrorCodes.InvalidControlPlaneSetting),
                     (badUrl, ErrorCodes.InvalidControlPlaneUrl),
                 })
        {
            build.AssertFailed();
            build.AssertNoStackTrace();
            Assert.Equal(code, Assert.Single(build.Errors).Code);
            Assert.DoesNotContain(Token, build.StandardOutput + build.StandardError);
        }
        Assert.Contains(variable, noToken.Errors[0].Message);
        Assert.False(File.Exists(report), "a deploy that never reached its control plane wrote a report");
        Assert.False(File.Exists(project.PathOf("bin/nixdeploy/deploy-dry-run.json")), "a dry run through a control plane wrote a report");
    }
}
