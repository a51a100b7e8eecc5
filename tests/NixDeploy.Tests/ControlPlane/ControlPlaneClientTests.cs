using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Server;

namespace NixDeploy.Tests.ControlPlane;

/// <summary>
/// The control plane client's settings and the failures it can meet without a server: where the token comes from
/// (a file or a variable's name, never in a message), a URL that is not one, and a server that is not there.
/// </summary>
public sealed class ControlPlaneClientTests : IDisposable
{
    private const string Secret = "nd-token-Secr3t-must-not-leak";
    private readonly string _folder = TestRunDirectory.CreateFolder("control-plane-client");

    [Fact]
    public void The_token_comes_from_its_file_trimmed_or_from_the_variable_it_names()
    {
        var file = Path.Combine(_folder, "ci.token");
        File.WriteAllText(file, $"  {Secret}\n");
        var variable = $"ND_TEST_TOKEN_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, Secret);
        try
        {
            Assert.Equal(Secret, new ControlPlaneToken(file, null).Read(null));
            Assert.Equal(Secret, new ControlPlaneToken(null, variable).Read(null));
            // Relative to the project's folder, as every path setting of a project.
            Assert.Equal(Secret, new ControlPlaneToken("ci.token", null).Read(Path.Combine(_folder, "fleet.nixdeploy")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void No_token_or_two_is_ND8041_an_unreadable_one_ND8042_and_no_message_shows_a_token()
    {
        var unset = $"ND_TEST_UNSET_{Guid.NewGuid():N}";
        var twoWords = Path.Combine(_folder, "two-words.token");
        File.WriteAllText(twoWords, $"{Secret} {Secret}\n");
        var empty = Path.Combine(_folder, "empty.token");
        File.WriteAllText(empty, "\n");
        var project = Path.Combine(_folder, "fleet.nixdeploy");

        var none = Assert.Throws<NixDeployException>(() => new ControlPlaneToken(null, " ").Read(project));
        var both = Assert.Throws<NixDeployException>(() => new ControlPlaneToken(twoWords, "CI_TOKEN").Read(project));
        var missingFile = Assert.Throws<NixDeployException>(() => new ControlPlaneToken(Path.Combine(_folder, "absent.token"), null).Read(project));
        var unsetVariable = Assert.Throws<NixDeployException>(() => new ControlPlaneToken(null, unset).Read(project));
        var emptyFile = Assert.Throws<NixDeployException>(() => new ControlPlaneToken(empty, null).Read(project));
        var notOneWord = Assert.Throws<NixDeployException>(() => new ControlPlaneToken(twoWords, null).Read(project));

        Assert.Equal(ErrorCodes.ControlPlaneTokenMissing, none.Code);
        Assert.Equal(ErrorCodes.ControlPlaneTokenMissing, both.Code);
        Assert.All(new[] { missingFile, unsetVariable, emptyFile, notOneWord }, e => Assert.Equal(ErrorCodes.ControlPlaneTokenUnreadable, e.Code));
        Assert.Contains("absent.token", missingFile.Message);
        Assert.Contains(unset, unsetVariable.Message);
        Assert.All(new[] { none, both, missingFile, unsetVariable, emptyFile, notOneWord }, e =>
        {
            Assert.Equal(project, e.Diagnostics[0].File);
            Assert.DoesNotContain(Secret, e.Message);
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("deploy.example.org")]
    [InlineData("ftp://deploy.example.org")]
    [InlineData("https://deploy.example.org/?token=x")]
    [InlineData("https://ci:Secr3t@deploy.example.org")]
    public void A_url_that_is_not_a_control_plane_s_is_ND8040_and_a_login_in_it_is_not_repeated(string url)
    {
        var e = Assert.Throws<NixDeployException>(() => ControlPlaneClient.ParseUrl(url, "fleet.nixdeploy"));

        Assert.Equal(ErrorCodes.InvalidControlPlaneUrl, e.Code);
        Assert.Equal("fleet.nixdeploy", e.Diagnostics[0].File);
        Assert.DoesNotContain("Secr3t", e.Message);
    }

    [Fact]
    public void A_control_plane_under_a_path_keeps_it_for_every_route()
    {
        Assert.Equal("https://example.org/nixdeploy/", ControlPlaneClient.ParseUrl("https://example.org/nixdeploy", null).AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8080/", ControlPlaneClient.ParseUrl("http://127.0.0.1:8080", null).AbsoluteUri);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_ND8043_naming_its_url_for_every_call()
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}/";
        var manifest = Path.Combine(_folder, "deployment.json");
        File.WriteAllText(manifest, """{ "schemaVersion": 1, "gitDirty": false, "blueprint": {}, "closures": {}, "changed": false, "changes": {} }""");
        using var client = ControlPlaneClient.Create(ControlPlaneClient.ParseUrl(url, null), Secret, "fleet.nixdeploy");

        var calls = new Func<Task>[]
        {
            () => client.PostDeploymentAsync(manifest, CancellationToken.None),
            () => client.GetDeploymentAsync("1", CancellationToken.None),
            () => client.GetReportAsync("1", CancellationToken.None),
            () => client.GetMachinesAsync(CancellationToken.None),
            () => client.RollbackAsync("web-1", CancellationToken.None),
        };
        foreach (var call in calls)
        {
            var e = await Assert.ThrowsAsync<NixDeployException>(call);
            Assert.Equal(ErrorCodes.ControlPlaneUnreachable, e.Code);
            Assert.Contains(url, e.Message);
            Assert.DoesNotContain(Secret, e.Message);
            Assert.Equal("fleet.nixdeploy", e.Diagnostics[0].File);
        }
    }

    [Fact]
    public async Task A_deployment_json_that_was_never_built_is_not_posted()
    {
        using var client = ControlPlaneClient.Create(ControlPlaneClient.ParseUrl($"http://127.0.0.1:{LoopbackPort.Free()}", null), Secret, null);

        var e = await Assert.ThrowsAsync<NixDeployException>(() => client.PostDeploymentAsync(Path.Combine(_folder, "absent.json"), CancellationToken.None));

        Assert.Equal(ErrorCodes.ManifestNotBuilt, e.Code);
    }


    public void Dispose() => TestRunDirectory.Remove(_folder);
}
