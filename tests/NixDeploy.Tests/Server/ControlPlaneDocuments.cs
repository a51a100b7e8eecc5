using System.Text.Json.Nodes;

namespace NixDeploy.Tests.Server;

/// <summary>deployment.json documents (schema 1) as the tests post them, with machines written out field by field.</summary>
public static class ControlPlaneDocuments
{
    public const string FakeClosureA = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-a";
    public const string FakeClosureB = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-b";

    /// <summary>A blueprint entry: reached at <paramref name="address"/>, with these health checks (none by default).</summary>
    public static JsonObject Machine(string address, int port, JsonArray? healthChecks = null) => new()
    {
        ["role"] = "server",
        ["cpu"] = 1,
        ["memory"] = new JsonObject { ["amount"] = 1, ["unit"] = "GiB" },
        ["labels"] = new JsonArray("web"),
        ["replicas"] = 1,
        ["deployment"] = new JsonObject
        {
            ["addr"] = address,
            ["backend"] = "ssh",
            ["sshUser"] = "root",
            ["sshPort"] = port,
            ["healthChecks"] = healthChecks ?? [],
            ["autoRollback"] = true,
        },
    };

    /// <summary>A pull machine's blueprint entry (deployment.mode pull): no address, its agent applies what it is given.</summary>
    public static JsonObject PullMachine(JsonArray? healthChecks = null)
    {
        var spec = Machine("", 22, healthChecks);
        spec["deployment"]!["mode"] = "pull";
        return spec;
    }

    /// <summary>A command health check run on the host.</summary>
    public static JsonArray Check(string command, int timeout) =>
        [new JsonObject { ["enabled"] = true, ["command"] = command, ["timeout"] = timeout, ["interval"] = 1 }];

    /// <summary>A document of these machines (name, blueprint entry, closure); the change markers as a build would set them.</summary>
    public static string Deployment(IEnumerable<(string Name, JsonObject Spec, string Closure)> machines, string gitCommit = "0000000000000000000000000000000000000000", bool changed = true)
    {
        var blueprint = new JsonObject();
        var closures = new JsonObject();
        var changes = new JsonObject();
        foreach (var (name, spec, closure) in machines)
        {
            blueprint[name] = spec.DeepClone();
            closures[name] = closure;
            changes[name] = changed ? "changed" : "unchanged";
        }
        return new JsonObject
        {
            ["schemaVersion"] = 1,
            ["gitCommit"] = gitCommit,
            ["gitDirty"] = false,
            ["blueprint"] = blueprint,
            ["closures"] = closures,
            ["changed"] = changed,
            ["changes"] = changes,
        }.ToJsonString();
    }
}
