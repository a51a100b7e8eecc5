using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Host;
using NixDeploy.Manifest;
using NixDeploy.Ssh;

namespace NixDeploy.Tests.Core;

/// <summary>
/// deployment.privilegeEscalation: parsed and defaulted (none for root, sudo for any other user, also for a user set by
/// an override and in a deployment.json without the field), and the one argument list every host program runs with.
/// </summary>
public sealed class PrivilegeEscalationTests
{
    private static string Blueprint(string deployment) =>
        $$"""{ "m": { "deployment": { "addr": "m.example"{{deployment}} } } }""";

    [Theory]
    [InlineData("", PrivilegeEscalation.None)]
    [InlineData(""", "sshUser": "root" """, PrivilegeEscalation.None)]
    [InlineData(""", "sshUser": "deploy" """, PrivilegeEscalation.Sudo)]
    [InlineData(""", "sshUser": "deploy", "privilegeEscalation": "doas" """, PrivilegeEscalation.Doas)]
    [InlineData(""", "sshUser": "deploy", "privilegeEscalation": "none" """, PrivilegeEscalation.None)]
    [InlineData(""", "privilegeEscalation": "sudo" """, PrivilegeEscalation.Sudo)]
    public void The_escalation_is_the_blueprints_else_none_for_root_and_sudo_for_other_users(string deployment, PrivilegeEscalation expected)
    {
        var machines = DeploymentOverride.Apply(BlueprintParser.Parse(Blueprint(deployment), "flake.nix"), new Dictionary<string, DeploymentOverride>(), null);

        Assert.Equal(expected, machines["m"].Deployment.PrivilegeEscalation);
    }

    [Fact]
    public void An_override_of_the_user_takes_that_users_default_unless_the_blueprint_names_one()
    {
        var blueprint = BlueprintParser.Parse("""
            { "a": { "deployment": { "addr": "a.example" } },
              "b": { "deployment": { "addr": "b.example", "privilegeEscalation": "doas" } } }
            """, "flake.nix");
        var asDeploy = new DeploymentOverride(null, null, "deploy");

        var machines = DeploymentOverride.Apply(blueprint, new Dictionary<string, DeploymentOverride> { ["a"] = asDeploy, ["b"] = asDeploy }, "fleet.nixdeploy");

        Assert.Equal(PrivilegeEscalation.Sudo, machines["a"].Deployment.PrivilegeEscalation);
        Assert.Equal(PrivilegeEscalation.Doas, machines["b"].Deployment.PrivilegeEscalation);
    }

    [Theory]
    [InlineData("su")]
    [InlineData("Sudo")]
    [InlineData("")]
    public void Another_escalation_is_ND1170_naming_the_field_and_the_choices(string value)
    {
        var failure = Assert.Throws<NixDeployException>(() => BlueprintParser.Parse(Blueprint($", \"privilegeEscalation\": \"{value}\""), "flake.nix"));

        var error = Assert.Single(failure.Diagnostics);
        Assert.Equal(ErrorCodes.BlueprintUnknownPrivilegeEscalation, error.Code);
        Assert.StartsWith("m.deployment.privilegeEscalation", error.Message);
        Assert.Contains("none, sudo, doas", error.Message);
    }

    [Theory]
    [InlineData("root", "", PrivilegeEscalation.None)]
    [InlineData("deploy", "", PrivilegeEscalation.Sudo)]
    [InlineData("deploy", """, "privilegeEscalation": "doas" """, PrivilegeEscalation.Doas)]
    public void A_deployment_json_without_the_field_means_the_default_and_one_with_it_says_which(string user, string field, PrivilegeEscalation expected)
    {
        var manifest = ManifestText.Deserialize($$"""
            { "schemaVersion": 2, "gitDirty": false, "changed": false, "changes": {}, "closures": {},
              "blueprint": { "web-1": { "role": "web", "cpu": 1, "memory": { "amount": 1, "unit": "GB" }, "labels": [], "replicas": 1,
                "deployment": { "addr": "127.0.0.21", "backend": "ssh", "sshUser": "{{user}}", "sshPort": 22, "healthChecks": [], "autoRollback": true{{field}} } } } }
            """)!;

        var deployment = manifest.Blueprint["web-1"].Deployment;
        Assert.Equal(expected, deployment.Escalation);
        Assert.Equal(expected, SshTarget.From("web-1", deployment, null).Escalation);
    }

    [Fact]
    public void Every_host_program_runs_behind_sudo_or_doas_and_the_first_call_checks_the_escalation_first()
    {
        var root = Target("root", null);
        var sudo = Target("deploy", null);
        var doas = Target("deploy", PrivilegeEscalation.Doas);
        string[] agent = ["sh", "-c", HostProgram.Agent.Text, "nixdeploy-agent", "status"];

        Assert.Equal(agent, HostProgram.Agent.Command(root, ["status"]));
        Assert.Equal(agent, HostProgram.Agent.FirstCommand(root, ["status"]));
        Assert.Equal(["sudo", "-n", "--", .. agent], HostProgram.Agent.Command(sudo, ["status"]));
        Assert.Equal(["doas", "-n", "--", .. agent], HostProgram.Agent.Command(doas, ["status"]));
        Assert.Equal(["sh", "-c", HostProgram.Escalate.Text, "nixdeploy-escalate", "doas", "doas", "-n", "--", .. agent], HostProgram.Agent.FirstCommand(doas, ["status"]));
        Assert.Equal(["sudo", "-n", "--", "sh", "-c", HostProgram.Placement.Text, "nixdeploy-artifacts", "key", "age"], HostProgram.Placement.Command(sudo, ["key", "age"]));
        Assert.Equal(["sudo", "-n", "--", "sh", "-c", HostProgram.Live.Text, "nixdeploy-live", "state"], HostProgram.Live.Command(sudo, ["state"]));
    }

    [Fact]
    public async Task The_first_call_exits_EscalationRefused_without_running_the_program_when_the_escalation_fails()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"nixdeploy-escalate-{Guid.NewGuid():N}");
        // /bin/false stands for a sudo that refuses: "false -n true" fails as "sudo -n true" does for a user without rights.
        var refused = await Cli.Wrap("sh").WithArguments(["-c", HostProgram.Escalate.Text, "nixdeploy-escalate", "false", "touch", marker])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.False(File.Exists(marker), "the program ran though the escalation was refused");
        var allowed = await Cli.Wrap("sh").WithArguments(["-c", HostProgram.Escalate.Text, "nixdeploy-escalate", "true", "touch", marker])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        Assert.Equal(HostProtocol.Exit.EscalationRefused, refused.ExitCode);
        Assert.Contains("'false -n true' failed", refused.StandardError);
        Assert.Equal(0, allowed.ExitCode);
        Assert.True(File.Exists(marker));
        File.Delete(marker);
    }

    private static SshTarget Target(string user, PrivilegeEscalation? escalation) =>
        SshTarget.From("web-1", new DeploymentSpec("127.0.0.21", "ssh", user, 22, [], AutoRollback: true, escalation), null);
}
