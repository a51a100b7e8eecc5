using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CliWrap;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Server;

/// <summary>An HTTP answer as a test reads it.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, string? ContentType)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    /// <summary>The ND code of a problem+json answer.</summary>
    public string? Code => ContentType == "application/problem+json" ? Json["code"]?.GetValue<string>() : null;

    public override string ToString() => $"{(int)Status} {ContentType}\n{Body}";
}

/// <summary>
/// <c>dotnet nixdeploy serve</c> of the installed tool as a child process on a free loopback port, with its data
/// folder, its output kept for assertions, and tokens made the way an operator makes the first one.
/// </summary>
public sealed class ControlPlaneProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ControlPlaneProcess(Process process, StringBuilder output, string dataDirectory, Uri address, HttpClient http)
    {
        _process = process;
        _output = output;
        DataDirectory = dataDirectory;
        Address = address;
        Http = http;
    }

    public string DataDirectory { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    /// <summary>Everything the server printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts <c>serve</c> on <paramref name="address"/> (a restarted server keeps its URL), or a free loopback port.</summary>
    public static async Task<ControlPlaneProcess> StartAsync(string dataDirectory, string? configFile = null, string scheme = "http", HttpMessageHandler? handler = null,
        Uri? address = null)
    {
        address ??= new Uri($"{scheme}://127.0.0.1:{LoopbackPort.Free()}");
        var output = new StringBuilder();
        var process = Start(["serve", "--data", dataDirectory, "--urls", address.ToString().TrimEnd('/'), .. configFile is null ? Array.Empty<string>() : ["--config", configFile]], output);
        var http = new HttpClient(handler ?? new HttpClientHandler()) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var server = new ControlPlaneProcess(process, output, dataDirectory, address, http);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"serve exited {process.ExitCode} before it answered /health:\n{server.Output}");
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                    return server;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"serve did not answer /health within 90 s:\n{server.Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>Runs <c>serve</c> with these arguments until it exits (for a server that must refuse to start).</summary>
    public static async Task<ToolResult> RunToExitAsync(params string[] arguments) =>
        await InstalledTool.RunProcessAsync(await InstalledTool.PathAsync(), ["serve", .. arguments], TestRunDirectory.Root, NixEnvironment.Variables.ToDictionary(pair => pair.Key, pair => (string?)pair.Value));

    /// <summary><c>dotnet nixdeploy serve token create</c>: the token it printed (stdout only).</summary>
    public static async Task<string> CreateTokenAsync(string dataDirectory, string role)
    {
        var result = await InstalledTool.RunAsync(TestRunDirectory.Root, "serve", "token", "create", "--role", role, "--data", dataDirectory, "--name", $"test {role}");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StandardError);
        return result.StandardOutput.Trim();
    }

    public Task<ApiAnswer> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token);

    public Task<ApiAnswer> PostAsync(string path, string? token, string? body = null) => SendAsync(HttpMethod.Post, path, token, body is null ? null : Encoding.UTF8.GetBytes(body));

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, string? token, byte[]? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // A client of a large body waits for the server's go-ahead, so a refusal (413) reaches it before the body.
        request.Headers.ExpectContinue = body?.Length > 1024 * 1024;
        if (body is not null)
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        using var response = await Http.SendAsync(request);
        return new ApiAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Polls the deployment until its status is final; returns its detail.</summary>
    public async Task<JsonNode> WaitForDeploymentAsync(string id, string token, TimeSpan timeout)
    {
        JsonNode? detail = null;
        await Deploy.TestHosts.WaitUntilAsync(async () =>
        {
            detail = (await GetAsync($"/api/v1/deployments/{id}", token)).Json;
            return detail["status"]!.GetValue<string>() is "succeeded" or "failed" or "interrupted" or "superseded";
        }, timeout, $"deployment {id} to finish");
        return detail!;
    }

    /// <summary>SIGKILL: the server gets no chance to record anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd stops it; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
            await Cli.Wrap("kill").WithArguments(["-TERM", _process.Id.ToString()]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        Http.Dispose();
        _process.Dispose();
    }

    private static Process Start(IReadOnlyList<string> arguments, StringBuilder output)
    {
        var start = new ProcessStartInfo(InstalledTool.PathAsync().GetAwaiter().GetResult())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = TestRunDirectory.Root,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in InstalledTool.Environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        void Append(string? line)
        {
            if (line is null)
                return;
            lock (output)
                output.AppendLine(line);
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
