using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Manifest;

namespace NixDeploy.ControlPlane;

/// <summary>
/// The control plane's API as its clients call it (<see cref="ControlPlaneRoutes"/>), with a bearer token. Every
/// failure is a coded <see cref="NixDeployException"/> naming the server: unreachable, the token refused (401) or its
/// role too low (403, naming the role needed), the server's own problem (its ND code and detail), a timeout. Where the
/// server's problem carries an ND code, that is the error's code. The
/// token is sent in the Authorization header only; no message carries it.
/// </summary>
public sealed class ControlPlaneClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _settingsFile;

    private ControlPlaneClient(Uri server, HttpClient http, string? settingsFile)
    {
        Server = server;
        _http = http;
        _settingsFile = settingsFile;
    }

    public Uri Server { get; }

    /// <summary>A client of <paramref name="server"/> (<see cref="ParseUrl"/>); <paramref name="settingsFile"/> (the project) is blamed for what goes wrong.</summary>
    public static ControlPlaneClient Create(Uri server, string token, string? settingsFile)
    {
        var http = new HttpClient { BaseAddress = server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return new ControlPlaneClient(server, http, settingsFile);
    }

    /// <summary>Posts a built deployment.json as it is on disk (its bytes: the server reads the same document CI keeps).</summary>
    public async Task<DeploymentAccepted> PostDeploymentAsync(string manifestFile, CancellationToken cancellationToken)
    {
        ManifestFile.ReadBuilt(manifestFile);
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(manifestFile, cancellationToken));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendAsync(HttpMethod.Post, ControlPlaneRoutes.Deployments, content, TokenRole.Ci, "post a deployment",
            ControlPlaneJsonContext.Default.DeploymentAccepted, cancellationToken);
    }

    public Task<DeploymentDetail> GetDeploymentAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ControlPlaneRoutes.Deployment(id), null, TokenRole.Read, $"read deployment {id}",
            ControlPlaneJsonContext.Default.DeploymentDetail, cancellationToken);

    /// <summary>A finished deployment as deploy-report.json, the document a direct deploy writes.</summary>
    public Task<DeployReport> GetReportAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ControlPlaneRoutes.DeploymentReport(id), null, TokenRole.Read, $"read the report of deployment {id}",
            DeployReport.Json.Type, cancellationToken);

    public Task<IReadOnlyList<MachineState>> GetMachinesAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ControlPlaneRoutes.Machines, null, TokenRole.Read, "list the machines",
            ControlPlaneJsonContext.Default.IReadOnlyListMachineState, cancellationToken);

    public Task<RollbackOutcome> RollbackAsync(string machine, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, ControlPlaneRoutes.MachineRollback(machine), null, TokenRole.Operator, $"roll {machine} back",
            ControlPlaneJsonContext.Default.RollbackOutcome, cancellationToken);

    /// <summary><c>POST /machines/{name}/token</c>: a token for the machine's pull agent, and the cache it substitutes from.</summary>
    public Task<MachineTokenCreated> CreateMachineTokenAsync(string machine, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, ControlPlaneRoutes.MachineToken(machine), null, TokenRole.Admin, $"create a token for machine {machine}",
            ControlPlaneJsonContext.Default.MachineTokenCreated, cancellationToken);

    /// <summary><c>POST /builds</c>: a build of the server's fleet repository, or the one that runs.</summary>
    public Task<BuildTriggered> TriggerBuildAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, ControlPlaneRoutes.Builds, null, TokenRole.Ci, "trigger a build",
            ControlPlaneJsonContext.Default.BuildTriggered, cancellationToken);

    /// <summary>A build, or the latest with <paramref name="id"/> null.</summary>
    public Task<BuildRecord> GetBuildAsync(string? id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, id is null ? ControlPlaneRoutes.LatestBuild : ControlPlaneRoutes.Build(id), null, TokenRole.Read,
            $"read build {id ?? "latest"}", ControlPlaneJsonContext.Default.BuildRecord, cancellationToken);

    /// <summary>The last <paramref name="lines"/> lines of a build's log (all with null).</summary>
    public async Task<string> GetBuildLogAsync(string id, int? lines, CancellationToken cancellationToken)
    {
        using var response = await OpenAsync(HttpMethod.Get, ControlPlaneRoutes.BuildLogs(id) + (lines is { } n ? $"?lines={n}" : ""), null,
            TokenRole.Read, $"read the log of build {id}", HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>
    /// Follows a build's log (server-sent events): each line to <paramref name="line"/> as it comes, until the build
    /// ends; returns its final status.
    /// </summary>
    public async Task<string> FollowBuildLogAsync(string id, Func<string, Task> line, CancellationToken cancellationToken)
    {
        using var response = await OpenAsync(HttpMethod.Get, ControlPlaneRoutes.BuildLogStream(id), null, TokenRole.Read,
            $"follow the log of build {id}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var ended = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            if (text == "event: end")
                ended = true;
            else if (text.StartsWith("data: ", StringComparison.Ordinal))
            {
                if (ended)
                    return text["data: ".Length..];
                await line(text["data: ".Length..]);
            }
        }
        throw Failure(ErrorCodes.ControlPlaneRequestFailed,
            $"The control plane at {Server} ended the log of build {id} before the build ended: follow it again, or read it with 'builds logs'.");
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string route, HttpContent? content, TokenRole role, string what,
        JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await OpenAsync(method, route, content, role, what, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw Failure(ErrorCodes.ControlPlaneRequestFailed,
                $"The control plane at {Server} answered {route} with something that is not the API's document ({e.Message}): is {Server} a NixDeploy control plane of this version?");
        }
    }

    /// <summary>Sends the request; a successful response is the caller's to read and dispose, anything else a coded error.</summary>
    private async Task<HttpResponseMessage> OpenAsync(HttpMethod method, string route, HttpContent? content, TokenRole role, string what,
        HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var url = new Uri(Server, route.TrimStart('/'));
        using var request = new HttpRequestMessage(method, url) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Failure(ErrorCodes.ControlPlaneUnreachable,
                $"The control plane at {Server} cannot be reached to {what} ({(e.InnerException as SocketException)?.Message ?? e.Message}): check NixDeployControlPlane (--server) and that 'dotnet nixdeploy serve' runs there.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(ErrorCodes.ControlPlaneTimedOut,
                $"The control plane at {Server} did not answer within {_http.Timeout.TotalSeconds:0} s when asked to {what}.");
        }
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw Refusal(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), role, what);
    }

    private NixDeployException Refusal(HttpStatusCode status, string body, TokenRole role, string what)
    {
        var problem = Problem(body);
        var detail = problem?.Detail ?? problem?.Title;
        var serverSays = detail is null ? "" : $" The server says: {detail}";
        // The server's own code when it gives one; the client's when something in front of it (a proxy) answered.
        var code = problem?.Code is { Length: > 0 } given ? given : null;
        return status switch
        {
            HttpStatusCode.Unauthorized => Failure(code ?? ErrorCodes.ControlPlaneUnauthorized,
                $"The control plane at {Server} did not accept the token (401) when asked to {what}: it is not one of its tokens, or it was revoked. Create one with 'dotnet nixdeploy serve token create --role {RoleName(role)}' on the server.{serverSays}"),
            HttpStatusCode.Forbidden => Failure(code ?? ErrorCodes.ControlPlaneForbidden,
                $"The control plane at {Server} refused to {what} with this token (403): that needs a token with the role '{RoleName(role)}' or a higher one.{serverSays}"),
            _ when code is not null => Failure(code, $"The control plane at {Server} refused to {what} ({(int)status}): {detail}"),
            _ => Failure(ErrorCodes.ControlPlaneRequestFailed,
                $"The control plane at {Server} answered {(int)status} {status} when asked to {what}{(detail is null ? "" : $": {detail}")}."),
        };
    }

    private static ControlPlaneProblem? Problem(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ControlPlaneJsonContext.Default.ControlPlaneProblem);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string RoleName(TokenRole role) => role.ToString().ToLowerInvariant();

    private NixDeployException Failure(string code, string message) => new(code, message, _settingsFile);

    /// <summary>The server's base URL, ending in '/'. Credentials or a query in it would be logged with it: the token has its own settings.</summary>
    public static Uri ParseUrl(string? url, string? settingsFile)
    {
        if (string.IsNullOrWhiteSpace(url))
            throw new NixDeployException(ErrorCodes.InvalidControlPlaneUrl,
                "No control plane is set: set NixDeployControlPlane (--server) to the URL of 'dotnet nixdeploy serve', e.g. https://deploy.example.org.", settingsFile);
        if (Uri.TryCreate(url.Trim(), UriKind.Absolute, out var server)
            && server.Scheme is "http" or "https" && server.UserInfo.Length == 0 && server.Query.Length == 0 && server.Fragment.Length == 0)
            return server.AbsolutePath.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        // A login in the URL is a secret: the message does not repeat such a URL.
        var shown = url.Contains('@') ? "(a URL with a login)" : $"'{url}'";
        throw new NixDeployException(ErrorCodes.InvalidControlPlaneUrl,
            $"NixDeployControlPlane (--server) {shown} is not the URL of a control plane: give http(s)://HOST[:PORT][/PATH], without a login, query or fragment (the token comes from NixDeployControlPlaneTokenFile or NixDeployControlPlaneTokenVariable).", settingsFile);
    }
}
