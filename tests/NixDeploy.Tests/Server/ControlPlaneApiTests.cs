using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Data.Sqlite;
using NixDeploy.Server.Store;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Server;

/// <summary>
/// The control plane's API against a real <c>dotnet nixdeploy serve</c> process and its SQLite file: tokens and roles,
/// bad input, idempotency, schema versions, TLS. Rollouts here go to 127.0.0.89, where nothing listens.
/// </summary>
public sealed class ControlPlaneApiTests
{
    private const string NobodyAddress = "127.0.0.89";

    // Every authenticated endpoint and the lowest role that may use it.
    private static readonly (HttpMethod Method, string Path, string Role)[] Endpoints =
    [
        (HttpMethod.Get, "/api/v1/deployments", "read"),
        (HttpMethod.Get, "/api/v1/deployments/nope", "read"),
        (HttpMethod.Get, "/api/v1/deployments/nope/report", "read"),
        (HttpMethod.Post, "/api/v1/deployments", "ci"),
        (HttpMethod.Get, "/api/v1/machines", "read"),
        (HttpMethod.Get, "/api/v1/machines/web-1", "read"),
        (HttpMethod.Post, "/api/v1/machines/web-1/rollback", "operator"),
        (HttpMethod.Get, "/api/v1/tokens", "admin"),
        (HttpMethod.Post, "/api/v1/tokens", "admin"),
        (HttpMethod.Delete, "/api/v1/tokens/nope", "admin"),
        (HttpMethod.Get, "/metrics", "read"),
    ];

    private static readonly string[] Roles = ["read", "ci", "operator", "admin"];

    [Fact]
    public async Task Every_endpoint_answers_401_without_a_valid_token_and_403_below_its_role()
    {
        var data = TestRunDirectory.CreateFolder("cp-auth");
        var tokens = new Dictionary<string, string>();
        foreach (var role in Roles)
            tokens[role] = await ControlPlaneProcess.CreateTokenAsync(data, role);
        await using var server = await ControlPlaneProcess.StartAsync(data);
        var revoked = (await server.PostAsync("/api/v1/tokens", tokens["admin"], """{"role":"admin","name":"revoked"}""")).Json;
        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Delete, $"/api/v1/tokens/{revoked["id"]}", tokens["admin"])).Status);
        var unknown = tokens["admin"][..^4] + "AAAA";

        foreach (var (method, path, needed) in Endpoints)
        {
            foreach (var token in new[] { null, "not-a-token", unknown, revoked["token"]!.GetValue<string>() })
            {
                var answer = await server.SendAsync(method, path, token, method == HttpMethod.Get ? null : [(byte)'{', (byte)'}']);
                Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"{method} {path} with {(token is null ? "no token" : "a bad token")}: {answer}");
                Assert.Equal("ND8014", answer.Code);
                Assert.Contains("Bearer", answer.Headers.WwwAuthenticate.ToString());
            }
            foreach (var role in Roles)
            {
                var answer = await server.SendAsync(method, path, tokens[role], method == HttpMethod.Get ? null : [(byte)'{', (byte)'}']);
                if (Array.IndexOf(Roles, role) < Array.IndexOf(Roles, needed))
                {
                    Assert.True(answer.Status == HttpStatusCode.Forbidden, $"{method} {path} as {role}: {answer}");
                    Assert.Equal("ND8015", answer.Code);
                }
                else
                    Assert.True(answer.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {path} as {role}: {answer}");
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/health", null)).Status);
        var openApi = await server.GetAsync("/openapi/v1.json", null);
        Assert.Equal(HttpStatusCode.OK, openApi.Status);
        Assert.Equal("NixDeploy control plane", openApi.Json["info"]!["title"]!.GetValue<string>());
        foreach (var path in new[] { "/api/v1/deployments", "/api/v1/deployments/{id}", "/api/v1/deployments/{id}/report", "/api/v1/machines", "/api/v1/machines/{name}",
                     "/api/v1/machines/{name}/rollback", "/api/v1/tokens", "/api/v1/tokens/{id}", "/health", "/metrics" })
            Assert.True(openApi.Json["paths"]![path] is not null, $"the OpenAPI document lacks {path}");
    }

    [Fact]
    public async Task Bad_input_on_every_endpoint_gets_400_or_413_with_its_code_and_stores_nothing()
    {
        var data = TestRunDirectory.CreateFolder("cp-badinput");
        var admin = await ControlPlaneProcess.CreateTokenAsync(data, "admin");
        await using var server = await ControlPlaneProcess.StartAsync(data);
        string Document(string name, string address, string closure) =>
            ControlPlaneDocuments.Deployment([(name, ControlPlaneDocuments.Machine(address, TestHosts.Port), closure)]);
        var deployments = new (string Why, byte[] Body, HttpStatusCode Status, string Code)[]
        {
            ("not JSON", Encoding.UTF8.GetBytes("{\"schemaVersion\": 1,"), HttpStatusCode.BadRequest, "ND8010"),
            ("not an object", Encoding.UTF8.GetBytes("[1]"), HttpStatusCode.BadRequest, "ND8010"),
            ("no schema version", Encoding.UTF8.GetBytes("""{"blueprint":{},"closures":{}}"""), HttpStatusCode.BadRequest, "ND8010"),
            ("not UTF-8", [(byte)'{', 0xff, 0xfe, (byte)'}'], HttpStatusCode.BadRequest, "ND8010"),
            ("no closures", Encoding.UTF8.GetBytes("""{"schemaVersion":1,"blueprint":{}}"""), HttpStatusCode.BadRequest, "ND8010"),
            ("unknown schema version", Encoding.UTF8.GetBytes(Document("web-1", NobodyAddress, ControlPlaneDocuments.FakeClosureA).Replace("\"schemaVersion\":1", "\"schemaVersion\":99")), HttpStatusCode.BadRequest, "ND8011"),
            ("closure outside the store", Encoding.UTF8.GetBytes(Document("web-1", NobodyAddress, "/etc/passwd")), HttpStatusCode.BadRequest, "ND8012"),
            ("closure escaping the store", Encoding.UTF8.GetBytes(Document("web-1", NobodyAddress, "/nix/store/../../etc/passwd")), HttpStatusCode.BadRequest, "ND8012"),
            ("unsafe machine name", Encoding.UTF8.GetBytes(Document("web-1;reboot", NobodyAddress, ControlPlaneDocuments.FakeClosureA)), HttpStatusCode.BadRequest, "ND1108"),
            ("unsafe address", Encoding.UTF8.GetBytes(Document("web-1", "127.0.0.1$(reboot)", ControlPlaneDocuments.FakeClosureA)), HttpStatusCode.BadRequest, "ND1109"),
            ("closure of a machine not in the blueprint", Encoding.UTF8.GetBytes(Document("web-1", NobodyAddress, ControlPlaneDocuments.FakeClosureA).Replace("\"closures\":{\"web-1\"", "\"closures\":{\"web-2\"")), HttpStatusCode.BadRequest, "ND8010"),
            ("a body over 16 MiB", Encoding.UTF8.GetBytes(Document("web-1", NobodyAddress, ControlPlaneDocuments.FakeClosureA).Replace("\"gitDirty\"", $"\"pad\":\"{new string('x', 17 * 1024 * 1024)}\",\"gitDirty\"")), HttpStatusCode.RequestEntityTooLarge, "ND8013"),
        };
        foreach (var (why, body, status, code) in deployments)
        {
            var answer = await server.SendAsync(HttpMethod.Post, "/api/v1/deployments", admin, body);
            Assert.True(answer.Status == status && answer.Code == code, $"{why}: expected {(int)status} {code}, got {answer}");
            Assert.DoesNotContain("   at ", answer.Body);
        }
        var others = new (string Why, HttpMethod Method, string Path, string? Body, string Code)[]
        {
            ("page size 0", HttpMethod.Get, "/api/v1/deployments?limit=0", null, "ND8010"),
            ("page size not a number", HttpMethod.Get, "/api/v1/deployments?limit=many", null, "ND8010"),
            ("page after an unknown deployment", HttpMethod.Get, "/api/v1/deployments?before=nope", null, "ND8010"),
            ("unsafe machine name", HttpMethod.Get, "/api/v1/machines/web-1%3Breboot", null, "ND1108"),
            ("unsafe machine name to roll back", HttpMethod.Post, "/api/v1/machines/%20web-1/rollback", null, "ND1108"),
            ("token request not JSON", HttpMethod.Post, "/api/v1/tokens", "role=admin", "ND8010"),
            ("token request of an unknown role", HttpMethod.Post, "/api/v1/tokens", """{"role":"root","name":"x"}""", "ND8010"),
            ("token request without a role", HttpMethod.Post, "/api/v1/tokens", """{"name":"x"}""", "ND8010"),
            ("token request without a name", HttpMethod.Post, "/api/v1/tokens", """{"role":"read"}""", "ND8010"),
            ("token name with a line break", HttpMethod.Post, "/api/v1/tokens", """{"role":"read","name":"a\nb"}""", "ND8010"),
        };
        foreach (var (why, method, path, body, code) in others)
        {
            var answer = await server.SendAsync(method, path, admin, body is null ? null : Encoding.UTF8.GetBytes(body));
            Assert.True(answer.Status == HttpStatusCode.BadRequest && answer.Code == code, $"{why}: expected 400 {code}, got {answer}");
        }

        Assert.Empty((await server.GetAsync("/api/v1/deployments", admin)).Json["items"]!.AsArray());
        Assert.Empty((await server.GetAsync("/api/v1/machines", admin)).Json.AsArray());
        Assert.Single((await server.GetAsync("/api/v1/tokens", admin)).Json.AsArray());
        Assert.False(Directory.Exists(Path.Combine(data, "deployments")), "a refused deployment left files");
        Assert.Equal(0L, ControlPlaneDatabase.Count(data, "deployments") + ControlPlaneDatabase.Count(data, "rollouts") + ControlPlaneDatabase.Count(data, "machines"));
    }

    [Fact]
    public async Task The_same_desired_state_posted_twice_is_one_deployment_whatever_its_change_markers()
    {
        var data = TestRunDirectory.CreateFolder("cp-idempotent");
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data);
        var machine = ControlPlaneDocuments.Machine(NobodyAddress, TestHosts.Port);

        var first = await server.PostAsync("/api/v1/deployments", ci, ControlPlaneDocuments.Deployment([("web-1", machine, ControlPlaneDocuments.FakeClosureA)]));
        // Built again from another commit: the change markers say unchanged, the desired state is the same.
        var again = await server.PostAsync("/api/v1/deployments", ci,
            ControlPlaneDocuments.Deployment([("web-1", machine, ControlPlaneDocuments.FakeClosureA)], gitCommit: "1111111111111111111111111111111111111111", changed: false));
        var other = await server.PostAsync("/api/v1/deployments", ci, ControlPlaneDocuments.Deployment([("web-1", machine, ControlPlaneDocuments.FakeClosureB)]));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        var id = first.Json["id"]!.GetValue<string>();
        Assert.True(first.Json["created"]!.GetValue<bool>());
        Assert.Equal($"/api/v1/deployments/{id}", first.Headers.Location?.ToString());
        Assert.True(File.Exists(Path.Combine(data, "deployments", id, "deployment.json")), "the deployment answered 201 is not on disk");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(id, again.Json["id"]!.GetValue<string>());
        Assert.False(again.Json["created"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Created, other.Status);
        var otherId = other.Json["id"]!.GetValue<string>();
        Assert.NotEqual(id, otherId);
        Assert.Equal(2L, ControlPlaneDatabase.Count(data, "deployments"));

        var detail = await server.WaitForDeploymentAsync(otherId, ci, TimeSpan.FromSeconds(60));
        Assert.Equal("failed", detail["status"]!.GetValue<string>());
        Assert.Equal("unreachable", detail["machines"]!["web-1"]!["status"]!.GetValue<string>());
        Assert.Equal("ND5001", detail["machines"]!["web-1"]!["errorCode"]!.GetValue<string>());
        var report = await server.GetAsync($"/api/v1/deployments/{otherId}/report", ci);
        Assert.Equal(HttpStatusCode.OK, report.Status);
        Assert.Equal("unreachable", report.Json["machines"]!["web-1"]!["status"]!.GetValue<string>());
        var page = (await server.GetAsync("/api/v1/deployments?limit=1", ci)).Json;
        Assert.Equal(otherId, page["items"]![0]!["id"]!.GetValue<string>());
        var next = (await server.GetAsync($"/api/v1/deployments?limit=1&before={page["next"]!.GetValue<string>()}", ci)).Json;
        Assert.Equal(id, next["items"]![0]!["id"]!.GetValue<string>());
        Assert.Null(next["next"]);
        var metrics = (await server.GetAsync("/metrics", ci)).Body;
        Assert.Contains("nixdeploy_deployments_total 2", metrics);
        Assert.Contains("nixdeploy_rollouts{result=\"unreachable\"}", metrics);
    }

    [Fact]
    public async Task A_document_whose_only_change_is_a_workload_is_a_new_desired_state_and_rolled_out()
    {
        var data = TestRunDirectory.CreateFolder("cp-workload");
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data);
        var machine = ControlPlaneDocuments.Machine(NobodyAddress, TestHosts.Port);
        var plain = ControlPlaneDocuments.Deployment([("web-1", machine, ControlPlaneDocuments.FakeClosureA)]);
        string WithWorkload(string digest)
        {
            var document = System.Text.Json.Nodes.JsonNode.Parse(plain)!.AsObject();
            document["schemaVersion"] = 2;
            document["workloads"] = System.Text.Json.Nodes.JsonNode.Parse($$"""
                { "web-1": [ { "name": "web", "source": "registry", "storePath": null, "image": "127.0.0.1:5000/web@{{digest}}", "digest": "{{digest}}",
                  "runtime": { "kind": "podman", "port": 8080, "env": {}, "options": [], "runOptions": [], "command": [] }, "healthCheck": null,
                  "fingerprint": "{{digest[7..]}}" } ] }
                """);
            return document.ToJsonString();
        }

        var first = await server.PostAsync("/api/v1/deployments", ci, plain);
        var v1 = await server.PostAsync("/api/v1/deployments", ci, WithWorkload("sha256:" + new string('1', 64)));
        var v2 = await server.PostAsync("/api/v1/deployments", ci, WithWorkload("sha256:" + new string('2', 64)));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, v1.Status);
        Assert.Equal(HttpStatusCode.Created, v2.Status);
        var ids = new[] { first, v1, v2 }.Select(posted => posted.Json["id"]!.GetValue<string>()).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        // Rolled out: the newest reached its machine's rollout (nothing listens there).
        var detail = await server.WaitForDeploymentAsync(ids[2], ci, TimeSpan.FromSeconds(60));
        Assert.Equal("unreachable", detail["machines"]!["web-1"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_database_of_a_newer_schema_is_refused_with_ND8001_and_left_as_it_was()
    {
        var data = TestRunDirectory.CreateFolder("cp-schema");
        SqliteControlPlaneStore.Open(data);
        var newer = SqliteMigrations.Latest + 1;
        ControlPlaneDatabase.Scalar(data, $"UPDATE schema_version SET version = {newer}");
        SqliteConnection.ClearAllPools();

        var refused = await ControlPlaneProcess.RunToExitAsync("--data", data, "--urls", "http://127.0.0.1:1");
        var token = await InstalledTool.RunAsync(TestRunDirectory.Root, "serve", "token", "create", "--role", "admin", "--data", data);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("ND8001", refused.StandardError);
        Assert.Contains($"schema version {newer}", refused.StandardError);
        Assert.DoesNotContain("   at ", refused.All);
        Assert.NotEqual(0, token.ExitCode);
        Assert.Contains("ND8001", token.StandardError);
        Assert.Equal("", token.StandardOutput);
        Assert.Equal((long)newer, ControlPlaneDatabase.Scalar(data, "SELECT version FROM schema_version"));
        Assert.Equal(0L, ControlPlaneDatabase.Count(data, "tokens"));
    }

    [Fact]
    public async Task It_serves_TLS_from_the_configs_certificate_and_plain_http_only_on_loopback()
    {
        var folder = TestRunDirectory.CreateFolder("cp-tls");
        var certificate = Path.Combine(folder, "cert.pem");
        var key = Path.Combine(folder, "key.pem");
        var openssl = await Cli.Wrap("openssl")
            .WithArguments(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(openssl.ExitCode == 0, openssl.StandardError);
        var config = Path.Combine(folder, "server.json");
        File.WriteAllText(config, """{ "tls": { "certificateFile": "cert.pem", "keyFile": "key.pem" } }""");
        var expected = X509Certificate2.CreateFromPem(File.ReadAllText(certificate));
        var seen = new List<string>();
        // Trust exactly the test's certificate: the server must present it.
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => { seen.Add(presented!.Thumbprint); return presented.Thumbprint == expected.Thumbprint; } };

        await using (var server = await ControlPlaneProcess.StartAsync(Path.Combine(folder, "data"), config, "https", handler))
        {
            var health = await server.GetAsync("/health", null);
            Assert.Equal(HttpStatusCode.OK, health.Status);
            Assert.Equal("healthy", health.Json["status"]!.GetValue<string>());
            Assert.Equal("ok", health.Json["database"]!.GetValue<string>());
            Assert.Equal(SqliteMigrations.Latest, health.Json["schemaVersion"]!.GetValue<int>());

            foreach (var file in Directory.GetFiles(Path.Combine(folder, "data"), SqliteControlPlaneStore.FileName + "*"))
                File.Delete(file);
            var gone = await server.GetAsync("/health", null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, gone.Status);
            Assert.Equal("unhealthy", gone.Json["status"]!.GetValue<string>());
        }
        Assert.Contains(expected.Thumbprint, seen);

        var plain = await ControlPlaneProcess.RunToExitAsync("--data", Path.Combine(folder, "data"), "--urls", "http://0.0.0.0:5999");
        var httpsWithoutCertificate = await ControlPlaneProcess.RunToExitAsync("--data", Path.Combine(folder, "data"), "--urls", "https://127.0.0.1:5999");
        File.WriteAllText(Path.Combine(folder, "broken.json"), """{ "tls": { "certificateFile": "key.pem", "keyFile": "cert.pem" } }""");
        var broken = await ControlPlaneProcess.RunToExitAsync("--data", Path.Combine(folder, "data"), "--urls", "https://127.0.0.1:5999", "--config", Path.Combine(folder, "broken.json"));
        File.WriteAllText(Path.Combine(folder, "typo.json"), """{ "allowPlainHtp": true }""");
        var typo = await ControlPlaneProcess.RunToExitAsync("--data", Path.Combine(folder, "data"), "--urls", "http://0.0.0.0:5999", "--config", Path.Combine(folder, "typo.json"));

        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("ND8004", plain.StandardError);
        Assert.Equal(2, httpsWithoutCertificate.ExitCode);
        Assert.Contains("ND8005", httpsWithoutCertificate.StandardError);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("ND8005", broken.StandardError);
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("ND8003", typo.StandardError);
        Assert.DoesNotContain("   at ", plain.All + httpsWithoutCertificate.All + broken.All + typo.All);
    }

    [Fact]
    public async Task No_token_appears_in_the_servers_log_or_its_data_folder()
    {
        var data = TestRunDirectory.CreateFolder("cp-secrets");
        var admin = await ControlPlaneProcess.CreateTokenAsync(data, "admin");
        await using var server = await ControlPlaneProcess.StartAsync(data);
        var created = (await server.PostAsync("/api/v1/tokens", admin, """{"role":"ci","name":"pipeline"}""")).Json;
        var ci = created["token"]!.GetValue<string>();
        await server.PostAsync("/api/v1/deployments", ci, ControlPlaneDocuments.Deployment([("web-1", ControlPlaneDocuments.Machine(NobodyAddress, TestHosts.Port), ControlPlaneDocuments.FakeClosureA)]));
        await server.GetAsync("/api/v1/tokens", ci);
        await server.GetAsync("/api/v1/machines", admin[..^2] + "xx");
        var listed = (await server.GetAsync("/api/v1/tokens", admin)).Body;
        Assert.Equal(0, await server.StopAsync());

        var secrets = new[] { admin, ci }.Select(token => token.Split('_', 3)[2]).ToList();
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, listed));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, server.Output));
        Assert.DoesNotContain("Authorization", server.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Request starting", server.Output);
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in secrets)
                Assert.True(Encoding.UTF8.GetString(bytes).IndexOf(secret, StringComparison.Ordinal) < 0, $"{file} holds a token's secret");
        }
    }
}
