namespace NixDeploy.Server.Store;

/// <summary>
/// The server's folder (<c>--data DIR</c>): the database, and each deployment's document and run files under
/// <c>deployments/ID/</c>; the binary cache keeps its files under <c>cache/</c>.
/// </summary>
public sealed class DataDirectory(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Deployment(string id) => Path.Combine(Root, "deployments", id);

    /// <summary>The document as it was posted, written before the deployment is answered 201.</summary>
    public string Document(string id) => Path.Combine(Deployment(id), "deployment.json");

    /// <summary>The folder, created, for one engine run of the deployment (its progress file).</summary>
    public string Run(string id, string runId) => Directory.CreateDirectory(Path.Combine(Deployment(id), "runs", runId)).FullName;
}
