using NixDeploy.Deploy;
using NixDeploy.Engine;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Processes;
using NixDeploy.Ssh;
using NixDeploy.Tests.Artifacts;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Manifest;

public sealed class DocumentDeployHosts() : TestHosts(first: 130, count: 2);

/// <summary>
/// A process that has only deployment.json and its own keys deploys it (what a control plane does): no repository,
/// no obj/, no project. The engine takes the document's policy and places the artifact files the document carries on
/// a real test host, where the host decrypts its secrets with its own key.
/// </summary>
public sealed class DeployFromDocumentTests(DocumentDeployHosts hosts) : IClassFixture<DocumentDeployHosts>
{
    [Fact]
    public async Task A_copy_of_deployment_json_in_an_empty_folder_deploys_its_machines_and_places_their_artifacts()
    {
        var a = hosts.Lease(1);
        var keys = await ArtifactKeys.OfTestHostsAsync(hosts, ("web-1", a[0]));
        using var project = await ArtifactFleet.DeployableProject(hosts, "fromdocument", keys, """
            {
              web-1.wireguard = {
                file.key = { path = "/run/secrets/wg-key"; owner = "daemon"; mode = "0440"; };
                file.pub = { secret = false; mode = "0444"; };
                generator = "head -c 16 /dev/urandom | base64 > $out/key; echo wg-public > $out/pub";
              };
            }
            """, [("web-1", a[0])]).CreateAsync();
        (await ArtifactFleet.Build(project).BuildAsync()).AssertSucceeded();
        var secret = (await ArtifactKeys.DecryptAsync(keys.AdminIdentityFile, project.PathOf("artifacts/per-machine/web-1/wireguard/key")))!.Trim();
        var closure = Manifests.Closures(Manifests.Read(project))["web-1"];

        var (report, settings) = await DeployDocumentOnlyAsync(project);

        var machine = report.Machines["web-1"];
        Assert.True(machine.Status == MachineStatus.Deployed, $"{machine.Status}: {machine.ErrorCode} {machine.ErrorMessage}");
        Assert.Equal("from-document", report.RunId);
        Assert.Equal(closure, await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(secret, await hosts.RunAsync(a[0], "cat /run/secrets/wg-key"));
        Assert.Equal("daemon root 440", await hosts.RunAsync(a[0], "stat -c '%U %G %a' /run/secrets/wg-key"));
        const string pub = "/run/nixdeploy/artifacts/per-machine/web-1/wireguard/pub";
        Assert.Equal("wg-public", await hosts.RunAsync(a[0], $"cat {pub}"));
        Assert.Equal("root root 444", await hosts.RunAsync(a[0], $"stat -c '%U %G %a' {pub}"));
        // The policy came from the project: its short activation and confirm limits, not the defaults.
        Assert.Equal((3, 3), (settings.ConfirmTimeoutSeconds, settings.ActivationTimeoutSeconds));
    }

    [Fact]
    public async Task A_file_the_document_does_not_carry_fails_its_machine_before_activation_with_a_coded_error()
    {
        var a = hosts.Lease(1);
        var keys = await ArtifactKeys.OfTestHostsAsync(hosts, ("web-1", a[0]));
        using var project = await ArtifactFleet.DeployableProject(hosts, "notcarried", keys, """
            { web-1.session = { file.nonce.path = "/run/secrets/nonce"; serialize = "none"; generator = "echo nonce > $out/nonce"; }; }
            """, [("web-1", a[0])]).CreateAsync();
        (await ArtifactFleet.Build(project).BuildAsync()).AssertSucceeded();

        var (report, _) = await DeployDocumentOnlyAsync(project);

        var machine = report.Machines["web-1"];
        Assert.Equal("ND1312", machine.ErrorCode);
        Assert.Contains("'nonce' of artifact 'session'", machine.ErrorMessage);
        Assert.Equal("", await hosts.LiveSystemAsync(a[0]));
        Assert.Equal("no", await hosts.RunAsync(a[0], "[ -e /run/secrets/nonce ] && echo yes || echo no"));
    }

    /// <summary>
    /// Copies the built deployment.json into an empty folder, removes the project (repository, artifacts, obj/), and
    /// deploys the document's selected machines with the engine, the document's policy and the hosts' SSH key.
    /// </summary>
    private async Task<(DeployReport Report, DeploySettings Settings)> DeployDocumentOnlyAsync(TestProject project)
    {
        var document = Path.Combine(TestRunDirectory.CreateFolder("document-only"), "deployment.json");
        File.Copy(Manifests.PathIn(project), document);
        Directory.Delete(project.Folder, recursive: true);

        var manifest = ManifestFile.ReadBuilt(document);
        var settings = DeploySettings.FromPolicy(manifest.Policy, new SshOptions(hosts.IdentityFile, hosts.KnownHostsFile), document);
        using var engine = DeployEngine.Create(new DeployEngineSettings(settings, document, NixOptions.Default, "from-document", Path.GetDirectoryName(document)!), NullCommandLog.Instance);
        return (await engine.DeployAsync(manifest.SelectedMachines.ToList(), CancellationToken.None), settings);
    }
}
