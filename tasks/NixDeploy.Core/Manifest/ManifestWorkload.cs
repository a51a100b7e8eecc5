using NixDeploy.Workloads;

namespace NixDeploy.Manifest;

/// <summary>
/// A workload as deployment.json records it for one machine: what to run (a deliverable's store path, or a registry
/// image), its content digest, and how it runs and is checked. A host compares <see cref="Fingerprint"/> with the one
/// it runs: the same means nothing to do.
/// </summary>
/// <param name="StorePath">The deliverable (an image archive or a bundle tar) in the Nix store; null for a registry image.</param>
/// <param name="Image">The registry image reference, pinned by digest; null otherwise.</param>
/// <param name="Digest"><c>sha256:HEX</c> of the deliverable file (a host checks it before anything stops), or the image's digest.</param>
/// <param name="Fingerprint">SHA-256 of everything above and the runtime and health check: what the host records as running.</param>
public sealed record ManifestWorkload(
    string Name,
    string Source,
    string? StorePath,
    string? Image,
    string Digest,
    WorkloadRuntime Runtime,
    WorkloadHealthCheck? HealthCheck,
    string Fingerprint);
