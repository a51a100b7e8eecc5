using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Artifacts;

public sealed class ArtifactUploadHosts() : TestHosts(first: 215, count: 2);

/// <summary>
/// <c>dotnet nixdeploy artifacts upload</c> (colmena's upload-keys): the selected machines' artifact files are placed
/// on real test hosts, decrypted there with their own host keys, without a deploy (no system is activated).
/// </summary>
public sealed class ArtifactUploadTests(ArtifactUploadHosts hosts) : IClassFixture<ArtifactUploadHosts>
{
    private const string Store = """
        {
          web-1.api = { file.token = { path = "/run/secrets/api-token"; owner = "daemon"; group = "root"; mode = "0440"; }; generator = "echo token-of-$machine > $out/token"; };
          web-2.api = { file.token.path = "/run/secrets/api-token"; generator = "echo token-of-$machine > $out/token"; };
        }
        """;

    [Fact]
    public async Task Upload_places_the_selected_machines_files_without_a_deploy()
    {
        var a = hosts.Lease(2);
        var keys = await ArtifactKeys.OfTestHostsAsync(hosts, ("web-1", a[0]), ("web-2", a[1]));
        using var project = await ArtifactFleet.DeployableProject(hosts, "upload", keys, Store, [("web-1", a[0]), ("web-2", a[1])]).CreateAsync();

        var upload = await InstalledTool.RunAsync(project.Directory, "artifacts", "upload", "--on", "web-1");

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Contains("web-1: artifacts placed", upload.StandardOutput);
        Assert.DoesNotContain("web-2", upload.StandardOutput);
        Assert.Equal("token-of-web-1", await hosts.RunAsync(a[0], "cat /run/secrets/api-token"));
        Assert.Equal("daemon root 440", await hosts.RunAsync(a[0], "stat -c '%U %G %a' /run/secrets/api-token"));
        // Nothing else: no system, no copies kept for a rollback, no pending list, the lock free again.
        Assert.Equal("", await hosts.LiveSystemAsync(a[0]));
        Assert.Empty(await hosts.ProfileGenerationsAsync(a[0]));
        Assert.Equal("api-token", await hosts.RunAsync(a[0], "ls -A /run/secrets"));
        Assert.Equal("none", await hosts.RunAsync(a[0], "[ -e /run/nixdeploy/kept-files ] && echo listed || echo none"));
        Assert.Equal("", await hosts.RunAsync(a[1], "ls -A /run/secrets 2>/dev/null || true"));

        // Again, on both: web-1's file is replaced in place, web-2 gets its own.
        var again = await InstalledTool.RunAsync(project.Directory, "artifacts", "upload");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("token-of-web-2", await hosts.RunAsync(a[1], "cat /run/secrets/api-token"));
        Assert.Equal("api-token", await hosts.RunAsync(a[0], "ls -A /run/secrets"));
        Assert.Equal("", await hosts.LiveSystemAsync(a[1]));
    }
}
