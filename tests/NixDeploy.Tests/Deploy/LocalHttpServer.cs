using System.Net;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

/// <summary>
/// A real HTTP server on 127.0.0.1 answering every request with the status <c>answer</c> gives, for URL health checks;
/// or, under <c>/</c>, with the status and body the answer gives for the request's path (files to fetch).
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, (HttpStatusCode Status, byte[]? Body)> _answer;
    private int _requests;

    public LocalHttpServer(Func<HttpStatusCode> answer)
        : this("/health/", _ => (answer(), null))
    {
    }

    public LocalHttpServer(Func<string, (HttpStatusCode Status, byte[]? Body)> answer)
        : this("/", answer)
    {
    }

    private LocalHttpServer(string path, Func<string, (HttpStatusCode Status, byte[]? Body)> answer)
    {
        _answer = answer;
        Url = $"http://127.0.0.1:{LoopbackPort.Free()}{path}";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = ServeAsync();
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            var (status, body) = _answer(context.Request.Url!.AbsolutePath);
            context.Response.StatusCode = (int)status;
            if (body is not null)
                await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
