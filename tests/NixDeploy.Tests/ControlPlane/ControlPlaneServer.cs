using System.Text.Json.Nodes;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Server;

namespace NixDeploy.Tests.ControlPlane;

/// <summary>
/// A control plane that deploys to test hosts: <see cref="ControlPlaneProcess"/> (the installed tool's <c>serve</c> on
/// loopback) with a folder of its own for its data and a config holding the hosts' SSH key and known_hosts, and
/// tokens written to files, as CI is given them.
/// </summary>
public sealed class ControlPlaneServer : IAsyncDisposable
{
    private ControlPlaneProcess _process;

    private ControlPlaneServer(string folder, ControlPlaneProcess process)
    {
        Folder = folder;
        _process = process;
    }

    public string Folder { get; }

    /// <summary>The server's URL as a user writes it (no trailing '/').</summary>
    public string Url => _process.Address.AbsoluteUri.TrimEnd('/');

    public string DataDirectory => Path.Combine(Folder, "data");

    /// <summary>Everything the server wrote so far (its structured log).</summary>
    public string Log => _process.Output;

    /// <summary>A data folder and a config for a server that deploys to <paramref name="hosts"/>, in <paramref name="folder"/>.</summary>
    public static (string Data, string Config) Configure(string folder, TestHosts hosts)
    {
        var config = ConfigFile(folder);
        File.WriteAllText(config, new JsonObject
        {
            ["ssh"] = new JsonObject { ["identityFile"] = hosts.IdentityFile, ["knownHostsFile"] = hosts.KnownHostsFile },
        }.ToJsonString());
        return (Path.Combine(folder, "data"), config);
    }

    private static string ConfigFile(string folder) => Path.Combine(folder, "server.json");

    public static async Task<ControlPlaneServer> StartAsync(string name, TestHosts hosts)
    {
        var folder = TestRunDirectory.CreateFolder(name);
        var (data, config) = Configure(folder, hosts);
        return new ControlPlaneServer(folder, await ControlPlaneProcess.StartAsync(data, config));
    }

    /// <summary>A new token with <paramref name="role"/> (<c>serve token create</c>) in a file of its own: the token and the file's path.</summary>
    public async Task<(string Token, string File)> CreateTokenFileAsync(string role)
    {
        var token = await ControlPlaneProcess.CreateTokenAsync(DataDirectory, role);
        var file = Path.Combine(Folder, $"{role}-{Guid.NewGuid():N}.token");
        File.WriteAllText(file, token + "\n");
        return (token, file);
    }

    /// <summary>GET of an API route with a token, as JSON (for what the clients do not show).</summary>
    public async Task<JsonNode> GetAsync(string route, string token)
    {
        var answer = await _process.GetAsync(route, token);
        Assert.True(answer.Status == System.Net.HttpStatusCode.OK, $"GET {route}: {answer}");
        return answer.Json;
    }

    /// <summary>Stops the server as systemd does (SIGTERM): its URL answers nothing afterwards.</summary>
    public Task StopAsync() => _process.StopAsync();

    /// <summary>Starts the stopped server again with its data and config, at the same URL.</summary>
    public async Task RestartAsync()
    {
        var url = new Uri(Url);
        await _process.DisposeAsync();
        _process = await ControlPlaneProcess.StartAsync(DataDirectory, ConfigFile(Folder), address: url);
    }

    /// <summary>A token of machine <paramref name="machine"/> (POST /api/v1/machines/{name}/token with an admin token).</summary>
    public async Task<string> CreateMachineTokenAsync(string machine)
    {
        var (admin, _) = await CreateTokenFileAsync("admin");
        var answer = await _process.PostAsync($"/api/v1/machines/{machine}/token", admin);
        Assert.True(answer.Status == System.Net.HttpStatusCode.Created, $"POST machine token: {answer}");
        return answer.Json["token"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TestRunDirectory.Remove(Folder);
    }
}
