namespace NixDeploy.Workloads;

/// <summary>
/// An application that runs beside a machine's NixOS system, as the flake's <c>workloads</c> output declares it: where
/// its deliverable comes from, how it runs, on which machines (<c>NixDeployOn</c>'s selection syntax) and how its
/// health is checked.
/// </summary>
public sealed record WorkloadSpec(
    WorkloadSource Source,
    WorkloadRuntime Runtime,
    IReadOnlyList<string> Targets,
    WorkloadHealthCheck? HealthCheck);

/// <summary>
/// Where the deliverable comes from: a Nix build of this flake's attribute (<see cref="Flake"/>, <c>.#NAME</c>) or a
/// command run in a clean checkout of a repository at a ref (<see cref="Command"/>), a download pinned by its SHA-256
/// (<see cref="Url"/>, <see cref="Sha256"/>), or an image reference pinned by digest (<see cref="Image"/>). Build and
/// fetch produce a file (an image archive or a bundle tar) in the Nix store.
/// </summary>
public sealed record WorkloadSource(string Kind, string? Flake = null, string? Url = null, string? Sha256 = null, string? Image = null, CommandBuildSpec? Command = null)
{
    public const string Build = "build";
    public const string Fetch = "fetch";
    public const string Registry = "registry";

    public static IReadOnlyList<string> Kinds { get; } = [Build, Fetch, Registry];
}

/// <summary>
/// How the deliverable runs: <c>podman</c> or <c>docker</c> (a loaded image, host networking, <c>PORT</c> and
/// <c>NIXDEPLOY_ADDRESS</c> in its environment) or <c>systemd</c> (a bundle extracted and run as a unit, its
/// <see cref="Command"/> relative to the bundle). <see cref="Options"/> go before the CLI's command (global options),
/// <see cref="RunOptions"/> to its <c>run</c>.
/// </summary>
public sealed record WorkloadRuntime(
    string Kind,
    int? Port,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<string> Options,
    IReadOnlyList<string> RunOptions,
    IReadOnlyList<string> Command)
{
    public const string Podman = "podman";
    public const string Docker = "docker";
    public const string Systemd = "systemd";

    public static IReadOnlyList<string> Kinds { get; } = [Podman, Docker, Systemd];
}

/// <summary>An HTTP GET of <see cref="Path"/> on the host's address and <see cref="Port"/>, every <see cref="Interval"/> s until it answers 2xx or <see cref="Timeout"/> s have gone by.</summary>
public sealed record WorkloadHealthCheck(string Path, int Port, int Interval, int Timeout);

/// <summary>Seed 003's build: <see cref="Command"/> (an argument list) run in a clean checkout of <see cref="Repo"/> at <see cref="Ref"/>, leaving the file <see cref="Output"/> (relative to the checkout).</summary>
public sealed record CommandBuildSpec(string Repo, string Ref, IReadOnlyList<string> Command, string Output);
