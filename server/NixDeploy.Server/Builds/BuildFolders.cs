using NixDeploy.Server.Store;

namespace NixDeploy.Server.Builds;

/// <summary>
/// Where builds live in the data folder: the server's own work tree of the fleet repository (no one else's checkout)
/// and each build's log.
/// </summary>
public sealed class BuildFolders(DataDirectory data)
{
    public string Root { get; } = Path.Combine(data.Root, "builds");

    public string WorkTree => Path.Combine(Root, "work");

    public string Log(string id) => Path.Combine(Root, "logs", id + ".log");
}
