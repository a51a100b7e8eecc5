using System.Text;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Fleets;

/// <summary>
/// A fleet flake for tests, on the nixpkgs stand-in: machines.nix (addresses, labels), blueprint.nix (the
/// blueprintJSON, derived from machines.nix unless a test replaces it) and machines/NAME.nix (the NixOS-style
/// configuration, where faults are injected through the stand-in's nixdeploy.standin options).
/// </summary>
public sealed class TestFleet
{
    private readonly SortedDictionary<string, TestMachine> _machines = new(StringComparer.Ordinal);
    private string? _blueprint;
    private string _standin = StandinPath;

    public static string StandinPath => Path.Combine(RepositoryRoot.Path, "samples", "nixos-standin");

    public TestFleet Machine(string name, string addr, int port = 2222, params string[] labels) =>
        Machine(new TestMachine(name, addr, port, labels));

    public TestFleet Machine(TestMachine machine)
    {
        _machines[machine.Name] = machine;
        return this;
    }

    /// <summary>Replaces blueprint.nix: a Nix function of <c>{ machines }</c> returning the blueprint.</summary>
    public TestFleet Blueprint(string nixFunction)
    {
        _blueprint = nixFunction;
        return this;
    }

    /// <summary>Overrides nixpkgs with the stand-in at <paramref name="path"/> (a copy a test may change) instead of the repository's.</summary>
    public TestFleet Standin(string path)
    {
        _standin = path;
        return this;
    }

    /// <summary>A project on the packed SDK with this fleet's files, nixpkgs overridden by the stand-in, committed to git.</summary>
    public TestProjectBuilder Project(string name, Action<ProjectXmlBuilder>? configure = null)
    {
        var builder = TestProject.Named(name)
            .WithProject(project =>
            {
                project.Item("NixDeployOverrideInput", "nixpkgs", new Dictionary<string, string> { ["Url"] = "path:" + _standin });
                configure?.Invoke(project);
            })
            .WithFile(".gitignore", "bin/\nobj/\n")
            .WithGitCommit();
        foreach (var (path, content) in Files())
            builder.WithFile(path, content);
        return builder;
    }

    public IReadOnlyDictionary<string, string> Files()
    {
        var files = new Dictionary<string, string>
        {
            ["flake.nix"] = FlakeNix,
            ["machines.nix"] = MachinesNix(),
            ["blueprint.nix"] = _blueprint ?? DefaultBlueprint,
        };
        foreach (var machine in _machines.Values)
            files[$"machines/{machine.Name}.nix"] = machine.ConfigurationNix();
        return files;
    }

    private string MachinesNix()
    {
        var text = new StringBuilder("{\n");
        foreach (var m in _machines.Values)
            text.Append($"  {m.Name} = {{ addr = \"{m.Addr}\"; port = {m.Port}; labels = [ {string.Join(' ', m.Labels.Select(l => $"\"{l}\""))} ]; healthChecks = {m.HealthChecksNix}; backend = \"{m.Backend}\"; mode = \"{m.Mode}\";{(m.DeploymentNix.Length > 0 ? $" deployment = {{ {m.DeploymentNix} }};" : "")} }};\n");
        return text.Append("}\n").ToString();
    }

    /// <summary>
    /// The fleet's flake; an artifacts.nix beside it (ArtifactFleet writes one) becomes its artifacts output, a
    /// workloads.nix its workloads and a packages.nix its packages (WorkloadFleet writes those).
    /// </summary>
    internal const string FlakeNix = """
        {
          # Never fetched here: every build overrides it with the local stand-in.
          inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
          outputs = { self, nixpkgs }:
            let machines = import ./machines.nix;
            in {
              nixosConfigurations = builtins.mapAttrs (name: _: nixpkgs.lib.nixosSystem {
                system = "x86_64-linux";
                modules = [ ./machines/${name}.nix ];
              }) machines;
              blueprintJSON = import ./blueprint.nix { inherit machines; };
            } // (if builtins.pathExists ./artifacts.nix then { artifacts = import ./artifacts.nix { inherit machines; }; } else { })
              // (if builtins.pathExists ./workloads.nix then { workloads = import ./workloads.nix; } else { })
              // (if builtins.pathExists ./packages.nix then { packages.x86_64-linux = import ./packages.nix; } else { });
        }
        """;

    private const string DefaultBlueprint = """
        { machines }: builtins.mapAttrs (name: m: {
          role = if builtins.elem "db" m.labels then "db" else "web";
          inherit (m) labels;
          deployment = { inherit (m) addr healthChecks; sshPort = m.port; backend = m.backend or "ssh"; mode = m.mode or "push"; } // (m.deployment or { });
        }) machines
        """;
}

/// <summary>One machine of a <see cref="TestFleet"/>: where it is, and what its configuration says.</summary>
public sealed record TestMachine(string Name, string Addr, int Port, IReadOnlyList<string> Labels)
{
    /// <summary>Extra lines for the machine's module, e.g. <c>nixdeploy.standin.activation = "fail";</c>.</summary>
    public string Configuration { get; init; } = "";

    /// <summary>The blueprint's deployment backend.</summary>
    public string Backend { get; init; } = "ssh";

    /// <summary>The blueprint's deployment.mode: push (the deployer's SSH) or pull (the machine's agent).</summary>
    public string Mode { get; init; } = "push";

    /// <summary>The blueprint's healthChecks list, as Nix.</summary>
    public string HealthChecksNix { get; init; } = "[ ]";

    /// <summary>More of the blueprint's deployment fields, as Nix attributes, e.g. <c>sshUser = "deploy";</c>.</summary>
    public string DeploymentNix { get; init; } = "";

    public string ConfigurationNix() => $$"""
        { ... }:
        {
          networking.hostName = "{{Name}}";
          {{Configuration}}
        }
        """;
}
