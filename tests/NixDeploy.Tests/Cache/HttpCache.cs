using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Cache;

/// <summary>
/// A real HTTP binary cache: Debian's nginx with WebDAV PUT on 127.0.0.1 and a free port, started by
/// tests/caches/start-http-cache.sh and stopped by pid. With a status, every request answers it (e.g. 503).
/// </summary>
public sealed class HttpCache : IAsyncDisposable
{
    private HttpCache(string folder, string url)
    {
        Folder = folder;
        Url = url;
    }

    public string Folder { get; }

    public string Url { get; }

    /// <summary>Where the cache's files (nix-cache-info, *.narinfo, nar/) are.</summary>
    public string Root => Path.Combine(Folder, "cache");

    public static async Task<HttpCache> StartAsync(string name, int? status = null)
    {
        var folder = TestRunDirectory.CreateFolder(name);
        List<string> arguments = [Script("start-http-cache.sh"), "--dir", folder];
        if (status is { } code)
            arguments.AddRange(["--status", code.ToString()]);
        var result = await Cli.Wrap("bash").WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"start-http-cache.sh failed (exit {result.ExitCode}): {result.StandardError}");
        return new HttpCache(folder, result.StandardOutput.Trim());
    }

    public async ValueTask DisposeAsync()
    {
        await Cli.Wrap("bash").WithArguments([Script("stop-http-cache.sh"), "--dir", Folder]).ExecuteBufferedAsync();
        TestRunDirectory.Remove(Folder);
    }

    private static string Script(string name) => Path.Combine(RepositoryRoot.Path, "tests", "caches", name);
}
