namespace NixDeploy.Cache;

/// <summary>
/// Whether what a push printed on failure is worth retrying: the cache was unreachable or answered 5xx, as
/// opposed to a refusal (401/403/404, a bad key) that the same request would meet again.
/// </summary>
public static class TransientFailure
{
    // curl's and ssh's wording as Nix passes it on, e.g. "Couldn't connect to server (7)", "HTTP error 503".
    private static readonly string[] Markers =
    [
        "Couldn't connect to server",
        "Connection refused",
        "Connection reset",
        "Connection timed out",
        "Connection closed",
        "Timeout was reached",
        "timed out",
        "Failure when receiving data from the peer",
        "Server returned nothing",
        "HTTP error 5",
        "Could not resolve host",
        "Temporary failure in name resolution",
        "cannot connect to",
        "No route to host",
        "Broken pipe",
        "end of file",
    ];

    public static bool IsTransient(string message) =>
        Markers.Any(marker => message.Contains(marker, StringComparison.OrdinalIgnoreCase));
}
