using System.Text;
using System.Text.Json.Nodes;
using CliWrap;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.ControlPlane;

/// <summary>
/// A real control plane: the installed tool's <c>serve</c> as a child process on loopback, with a data folder of its
/// own (a real SQLite file) and the test hosts' SSH key and known_hosts in its config; stopped with SIGINT. Tokens
/// come from <c>serve token create</c>, as an operator makes them on the server's machine.
/// </summary>
public sealed class ControlPlaneServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _graceful;
    private readonly CancellationTokenSource _forceful;
    private readonly StringBuilder _log;
    private readonly CommandTask<CommandResult> _process;

    private ControlPlaneServer(string folder, string url, StringBuilder log, CommandTask<CommandResult> process,
        CancellationTokenSource graceful, CancellationTokenSource forceful)
    {
        Folder = folder;
        Url = url;
        _log = log;
        _process = process;
        _graceful = graceful;
        _forceful = forceful;
    }

    public string Folder { get; }

    public string Url { get; }

    public string DataDirectory => Path.Combine(Folder, "data");

    /// <summary>Everything the server wrote to stdout and stderr so far (its structured log).</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    public static async Task<ControlPlaneServer> StartAsync(string name, TestHosts hosts)
    {
        var folder = TestRunDirectory.CreateFolder(name);
        var config = Path.Combine(folder, "server.json");
        File.WriteAllText(config, new JsonObject
        {
            ["ssh"] = new JsonObject { ["identityFile"] = hosts.IdentityFile, ["knownHostsFile"] = hosts.KnownHostsFile },
        }.ToJsonString());
        var url = $"http://127.0.0.1:{ControlPlaneClientTests.ClosedPort()}";
        var log = new StringBuilder();
        void Append(string line)
        {
            lock (log)
                log.AppendLine(line);
        }
        var graceful = new CancellationTokenSource();
        var forceful = new CancellationTokenSource();
        var process = Cli.Wrap(await InstalledTool.PathAsync())
            .WithArguments(["serve", "--data", Path.Combine(folder, "data"), "--urls", url, "--config", config])
            .WithWorkingDirectory(folder)
            .WithEnvironmentVariables(InstalledTool.Environment)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(Append))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(Append))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(forceful.Token, graceful.Token);
        var server = new ControlPlaneServer(folder, url, log, process, graceful, forceful);
        await server.WaitUntilHealthyAsync();
        return server;
    }

    /// <summary>A new token with <paramref name="role"/>, made on the server's machine and printed once.</summary>
    public async Task<string> CreateTokenAsync(string role)
    {
        var result = await InstalledTool.RunProcessAsync(await InstalledTool.PathAsync(), ["serve", "token", "create", "--role", role, "--data", DataDirectory], Folder);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"serve token create --role {role} failed: {result}");
        return result.StandardOutput.Trim();
    }

    /// <summary>Writes a new token with <paramref name="role"/> to a file of its own and returns the token and the file's path.</summary>
    public async Task<(string Token, string File)> CreateTokenFileAsync(string role)
    {
        var token = await CreateTokenAsync(role);
        var file = Path.Combine(Folder, $"{role}-{Guid.NewGuid():N}.token");
        File.WriteAllText(file, token + "\n");
        return (token, file);
    }

    /// <summary>GET of an API route with a token, as JSON (for what the clients do not show).</summary>
    public async Task<JsonNode> GetAsync(string route, string token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Url + route);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {route}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Stops the server (SIGINT, then a kill after 30 s): its URL answers nothing afterwards.</summary>
    public async Task StopAsync()
    {
        if (_process.Task.IsCompleted)
            return;
        _graceful.Cancel();
        _forceful.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await _process;
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _graceful.Dispose();
        _forceful.Dispose();
        TestRunDirectory.Remove(Folder);
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (_process.Task.IsCompleted)
                throw new InvalidOperationException($"serve exited before it answered /health:\n{Log}");
            try
            {
                using var response = await http.GetAsync(Url + "/health");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"serve did not answer /health at {Url} within 90 s:\n{Log}");
            await Task.Delay(200);
        }
    }
}
