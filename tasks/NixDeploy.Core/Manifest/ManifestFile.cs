using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.IO;
using NixDeploy.Nix;

namespace NixDeploy.Manifest;

/// <summary>Reads a previous <c>deployment.json</c> strictly and writes a new one atomically, only when it changed.</summary>
public static class ManifestFile
{
    public static DeploymentManifest Read(string path)
    {
        if (!File.Exists(path))
            throw new NixDeployException(ErrorCodes.PreviousManifestMissing,
                $"The previous deployment manifest '{path}' does not exist. Point NixDeployPreviousManifest at the deployment.json of the last deployment, or leave it empty for the first one.", path);
        DeploymentManifest? manifest;
        try
        {
            var json = File.ReadAllText(path);
            using (var document = JsonDocument.Parse(json))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("schemaVersion", out var version)
                    || version.ValueKind != JsonValueKind.Number)
                    throw Corrupt(path, "it has no numeric schemaVersion");
                if (!version.TryGetInt32(out var number) || !DeploymentManifest.IsReadable(number))
                    throw new NixDeployException(ErrorCodes.PreviousManifestUnknownSchema,
                        $"The previous deployment manifest has schemaVersion {version.GetRawText()}, which this SDK does not know (it reads 1 to {DeploymentManifest.CurrentSchemaVersion}). Use the SDK version that wrote it, or start afresh without NixDeployPreviousManifest.", path);
            }
            manifest = JsonSerializer.Deserialize(json, ManifestJsonContext.Default.DeploymentManifest);
        }
        catch (JsonException e)
        {
            throw Corrupt(path, e.Message);
        }
        if (manifest?.Closures is null || manifest.Blueprint is null)
            throw Corrupt(path, "closures or blueprint is missing");
        foreach (var (machine, closure) in manifest.Closures)
        {
            if (!StorePath.IsValid(closure))
                throw Corrupt(path, $"the closure of '{machine}' is not a store path");
        }
        return manifest;
    }

    /// <summary>
    /// Reads the deployment.json this fleet's own build wrote (for deploy, push, status, plan, rollback): missing or
    /// unreadable means "build again", unlike a previous deployment's manifest, which the user supplied.
    /// </summary>
    public static DeploymentManifest ReadBuilt(string path)
    {
        if (!File.Exists(path))
            throw NotBuilt(path);
        DeploymentManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(path), ManifestJsonContext.Default.DeploymentManifest);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e.Message);
        }
        if (manifest is not { Blueprint: not null, Closures: not null })
            throw Unreadable(path, "it has no blueprint or no closures");
        return DeploymentManifest.IsReadable(manifest.SchemaVersion)
            ? manifest
            : throw Unreadable(path, $"its schemaVersion {manifest.SchemaVersion} is not one this SDK reads, 1 to {DeploymentManifest.CurrentSchemaVersion}");
    }

    /// <summary>
    /// Only the closures (machine → store path) of the machines the build that wrote deployment.json selected, under
    /// <see cref="ReadBuilt"/>'s rules: what it built, while the other machines' closures come from an earlier
    /// deployment and need not be in this store.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadBuiltClosures(string path) => ReadBuiltStorePaths(path).Closures;

    /// <summary>
    /// What a push uploads, from one read of deployment.json: <see cref="ReadBuiltClosures"/>'s closures and the store
    /// paths of the same machines' workload deliverables (built or fetched), which travel with the closures. Skipping
    /// the typed model, and reading the file once, keeps the target's own time small next to the one <c>nix copy</c>
    /// it runs (bench/push).
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Closures, IReadOnlyList<string> Deliverables) ReadBuiltStorePaths(string path)
    {
        if (!File.Exists(path))
            throw NotBuilt(path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("blueprint", out var blueprint) || blueprint.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("closures", out var closures) || closures.ValueKind != JsonValueKind.Object)
                throw Unreadable(path, "it has no blueprint or no closures");
            var selected = SelectedIn(root, path);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            // Loops rather than LINQ over JSON's structs: those generic instances are not precompiled (bench/push).
            foreach (var machine in closures.EnumerateObject())
            {
                if (selected?.Contains(machine.Name) == false)
                    continue;
                result[machine.Name] = machine.Value.ValueKind == JsonValueKind.String
                    ? machine.Value.GetString()!
                    : throw Unreadable(path, $"the closure of '{machine.Name}' is not a string");
            }
            return (result, DeliverablesIn(root, selected, path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw Unreadable(path, e.Message);
        }
    }

    private static List<string> DeliverablesIn(JsonElement root, HashSet<string>? selected, string path)
    {
        var deliverables = new List<string>();
        if (!root.TryGetProperty("workloads", out var workloads))
            return deliverables;
        if (workloads.ValueKind != JsonValueKind.Object)
            throw Unreadable(path, "its workloads are not an object");
        foreach (var machine in workloads.EnumerateObject())
        {
            if (selected?.Contains(machine.Name) == false)
                continue;
            foreach (var workload in machine.Value.EnumerateArray())
                if (workload.TryGetProperty("storePath", out var storePath) && storePath.ValueKind == JsonValueKind.String)
                    deliverables.Add(storePath.GetString()!);
        }
        return deliverables;
    }

    // Version 1 has no selection: its closures were the selection's.
    private static HashSet<string>? SelectedIn(JsonElement root, string path)
    {
        if (!root.TryGetProperty("selection", out var selection))
            return null;
        if (selection.ValueKind != JsonValueKind.Object || !selection.TryGetProperty("machines", out var machines) || machines.ValueKind != JsonValueKind.Array)
            throw Unreadable(path, "its selection has no list of machines");
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var machine in machines.EnumerateArray())
            selected.Add(machine.ValueKind == JsonValueKind.String ? machine.GetString()! : throw Unreadable(path, "a selected machine is not a string"));
        return selected;
    }

    /// <summary>The machines of the deployment.json a build left at <paramref name="path"/>; none when there is none or it cannot be read.</summary>
    public static IReadOnlyCollection<string> MachinesIn(string path)
    {
        try
        {
            return File.Exists(path) ? ReadBuilt(path).Blueprint.Keys.ToList() : [];
        }
        catch (NixDeployException)
        {
            return [];
        }
    }

    /// <summary>Writes the manifest atomically; returns false when the file already held exactly this content.</summary>
    public static bool Write(string path, DeploymentManifest manifest) =>
        AtomicFile.WriteIfChanged(path, JsonSerializer.Serialize(manifest, ManifestJsonContext.Default.DeploymentManifest) + "\n");

    private static NixDeployException NotBuilt(string path) => new(ErrorCodes.ManifestNotBuilt,
        $"{path} does not exist: build the fleet first ('dotnet build', or 'dotnet nixdeploy build').", path);

    private static NixDeployException Unreadable(string path, string why) => new(ErrorCodes.DeploymentManifestUnreadable,
        $"The deployment manifest '{path}' cannot be read ({why}). Build the fleet again ('dotnet build') to rewrite it.", path);

    private static NixDeployException Corrupt(string path, string why) => new(ErrorCodes.PreviousManifestCorrupt,
        $"The previous deployment manifest is corrupt ({why}). Restore it from the last deployment's artifacts, or start afresh without NixDeployPreviousManifest.", path);
}
