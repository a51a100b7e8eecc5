using System.Net;
using System.Net.Sockets;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// A loopback port nothing listens on (the kernel just handed it out and took it back), never the same twice in one
/// test run: Nix's disk cache remembers a binary cache by its URL, so a server on a port an earlier one had would be
/// taken for that one (nix copy to it uploads nothing it believes is there).
/// </summary>
public static class LoopbackPort
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Free()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
                if (HandedOut.Add(port))
                    return port;
        }
    }
}
