using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Pipeline;
using NixDeploy.Workloads;

namespace NixDeploy.Manifest;

/// <summary>
/// Each selected machine's workloads as deployment.json records them. A built or fetched deliverable is a file in the
/// Nix store (built by BuildClosures), hashed here once, whatever the number of its machines.
/// </summary>
public static class ManifestWorkloads
{
    public static SortedDictionary<string, IReadOnlyList<ManifestWorkload>> From(FleetEvaluation evaluation, string? flakeFile)
    {
        var byMachine = new SortedDictionary<string, List<ManifestWorkload>>(StringComparer.Ordinal);
        var errors = new List<Diagnostic>();
        foreach (var (name, workload) in evaluation.SelectedWorkloads)
        {
            var digest = workload.OutPath is { } path ? FileDigest(name, path, flakeFile, errors) : workload.Spec.Source.Image![(workload.Spec.Source.Image!.IndexOf('@') + 1)..];
            if (digest is null)
                continue;
            var record = new ManifestWorkload(name, workload.Spec.Source.Kind, workload.OutPath, workload.Spec.Source.Image, digest,
                workload.Spec.Runtime, workload.Spec.HealthCheck, "");
            record = record with { Fingerprint = Sha256(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, ManifestJsonContext.Default.ManifestWorkload))) };
            foreach (var machine in workload.Machines.Where(evaluation.Selected.Contains))
            {
                if (!byMachine.TryGetValue(machine, out var list))
                    byMachine[machine] = list = [];
                list.Add(record);
            }
        }
        if (errors.Count > 0)
            throw new NixDeployException(errors);
        return new SortedDictionary<string, IReadOnlyList<ManifestWorkload>>(byMachine.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<ManifestWorkload>)pair.Value), StringComparer.Ordinal);
    }

    private static string? FileDigest(string workload, string path, string? flakeFile, List<Diagnostic> errors)
    {
        if (File.Exists(path))
        {
            using var stream = File.OpenRead(path);
            return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        errors.Add(new Diagnostic(ErrorCodes.WorkloadDeliverableNotFile, Directory.Exists(path)
            ? $"The deliverable of workload '{workload}' ({path}) is a directory: make the build produce one file, an image archive (docker-archive tar) or a bundle tar."
            : $"The deliverable of workload '{workload}' ({path}) is not in the Nix store: build the fleet again (BuildClosures builds it).", flakeFile));
        return null;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
