using System.Text.Json;
using System.Text.RegularExpressions;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Workloads;

/// <summary>
/// Turns the evaluated <c>workloads</c> output into validated workloads, every problem at once with its path and, where
/// Nix knows it, its line. Targets resolve against the blueprint with <see cref="MachineSelector"/>. Every string ends
/// up as one argument of a host command: none may hold a line break or another control character.
/// </summary>
public sealed partial class WorkloadParser
{
    /// <summary>Set by the evaluator's apply function beside a fetch source: its fixed-output derivation.</summary>
    public const string DeliverableField = "deliverable";

    private static readonly SpecCodes Codes = new("a workload", ErrorCodes.WorkloadMissingField, ErrorCodes.WorkloadWrongType,
        ErrorCodes.WorkloadUnknownField, ErrorCodes.WorkloadUnknownField, ErrorCodes.WorkloadInvalidValue);

    private static readonly string[] WorkloadFields = ["source", "runtime", "targets", "healthCheck", DeliverableField];
    private static readonly string[] BuildFields = ["flake", "repo", "ref", "command", "output"];
    private static readonly string[] CommandBuildFields = ["repo", "ref", "command", "output"];
    private static readonly string[] FetchFields = ["url", "sha256"];
    private static readonly string[] ContainerFields = ["port", "env", "options", "runOptions", "command"];
    private static readonly string[] SystemdFields = ["port", "env", "command"];
    private static readonly string[] HealthCheckFields = ["path", "port", "interval", "timeout"];

    private const int DefaultInterval = 2;
    private const int DefaultTimeout = 30;

    private readonly SpecReader _reader;

    private WorkloadParser(string? file, AttributePositions positions) => _reader = new SpecReader(file, positions, Codes);

    public static SortedDictionary<string, EvaluatedWorkload> Parse(JsonElement root, IReadOnlyDictionary<string, MachineSpec> blueprint, string? file, AttributePositions? positions = null)
    {
        var parser = new WorkloadParser(file, positions ?? AttributePositions.Unknown);
        var workloads = new SortedDictionary<string, EvaluatedWorkload>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
            parser._reader.Error(ErrorCodes.WorkloadWrongType, $"The workloads output must be an attribute set of workloads, but it is {SpecReader.Describe(root)}.");
        else
        {
            foreach (var workload in root.EnumerateObject())
            {
                if (!Identifiers.IsMachineName(workload.Name))
                    parser._reader.Error(ErrorCodes.UnsafeWorkloadName,
                        $"Workload name {Identifiers.Show(workload.Name)} is not allowed: use letters, digits, '-' and '_' (at most 63, starting with a letter or digit).", workload.Name);
                else if (parser.ParseWorkload(workload.Name, workload.Value, blueprint) is { } parsed)
                    workloads[workload.Name] = parsed;
            }
        }
        parser._reader.ThrowIfAny();
        return workloads;
    }

    private EvaluatedWorkload? ParseWorkload(string name, JsonElement value, IReadOnlyDictionary<string, MachineSpec> blueprint)
    {
        if (!_reader.ExpectObject(value, name))
            return null;
        _reader.CheckFields(value, name, WorkloadFields);
        var source = _reader.Required(value, name, "source", JsonValueKind.Object) is { } s ? ParseSource($"{name}.source", s) : null;
        var runtime = _reader.Required(value, name, "runtime", JsonValueKind.Object) is { } r ? ParseRuntime($"{name}.runtime", r) : null;
        var machines = ParseTargets(name, value, blueprint);
        var check = _reader.Optional(value, name, "healthCheck", JsonValueKind.Object) is { } h ? ParseHealthCheck($"{name}.healthCheck", h, runtime?.Port) : null;
        if (source?.Kind == WorkloadSource.Registry && runtime?.Kind == WorkloadRuntime.Systemd)
            _reader.Error(ErrorCodes.WorkloadRuntimeInvalid,
                $"{name}: a registry image cannot run under the systemd runtime, which extracts a bundle: use podman or docker, or a build or fetch source that makes a bundle.", $"{name}.runtime");
        if (source is null || runtime is null || machines is null)
            return null;
        var deliverable = source.Kind == WorkloadSource.Fetch && value.TryGetProperty(DeliverableField, out var d) && d.ValueKind == JsonValueKind.Object ? d : (JsonElement?)null;
        return new EvaluatedWorkload(new WorkloadSpec(source, runtime, _reader.StringList(value, name, "targets"), check), machines,
            deliverable?.GetProperty("drv").GetString(), deliverable?.GetProperty("out").GetString());
    }

    private WorkloadSource? ParseSource(string path, JsonElement value)
    {
        var given = value.EnumerateObject().Select(p => p.Name).ToList();
        if (given.Count != 1 || !WorkloadSource.Kinds.Contains(given[0]))
        {
            _reader.Error(ErrorCodes.WorkloadSourceInvalid,
                $"{path} needs exactly one of build (a Nix build of this flake), fetch (a URL with its sha256) or registry (an image reference pinned by digest), but it has {(given.Count == 0 ? "none" : string.Join(", ", given))}.", path);
            return null;
        }
        var kind = given[0];
        var at = $"{path}.{kind}";
        switch (kind)
        {
            case WorkloadSource.Build:
                if (!_reader.ExpectObject(value.GetProperty(kind), at))
                    return null;
                var build = value.GetProperty(kind);
                _reader.CheckFields(build, at, BuildFields);
                if (!build.TryGetProperty("flake", out _))
                    return ParseCommandBuild(at, build) is { } command ? new WorkloadSource(kind, Command: command) : null;
                if (CommandBuildFields.FirstOrDefault(field => build.TryGetProperty(field, out _)) is { } extra)
                {
                    _reader.Error(ErrorCodes.WorkloadCommandBuildInvalid, $"{at} has both flake and {extra}: a build is either a flake attribute (flake) or a command in a checkout (repo, ref, command, output).", $"{at}.{extra}");
                    return null;
                }
                var flake = _reader.Required(build, at, "flake", JsonValueKind.String)?.GetString();
                if (flake is not null && !FlakeAttributePattern().IsMatch(flake))
                {
                    _reader.Error(ErrorCodes.WorkloadBuildInvalid, $"{at}.flake '{flake}' must name an attribute of this flake, as \".#NAME\" (for example \".#myapp-image\").", $"{at}.flake");
                    return null;
                }
                return flake is null ? null : new WorkloadSource(kind, Flake: flake);
            case WorkloadSource.Fetch:
                if (!_reader.ExpectObject(value.GetProperty(kind), at))
                    return null;
                var fetch = value.GetProperty(kind);
                _reader.CheckFields(fetch, at, FetchFields);
                var url = _reader.Required(fetch, at, "url", JsonValueKind.String)?.GetString();
                var sha256 = _reader.String(fetch, at, "sha256");
                var valid = true;
                if (sha256 is null)
                    _reader.Error(ErrorCodes.WorkloadFetchUnpinned,
                        $"{at} has no sha256: a fetched deliverable is refused without one. Add sha256 = \"<hex>\" (sha256sum of the file) so that every host gets exactly that file.", at);
                else if (!Sha256Pattern().IsMatch(sha256))
                    valid = Refuse(ErrorCodes.WorkloadFetchUnpinned, $"{at}.sha256 '{Shorten(sha256)}' is not a SHA-256: give 64 hex digits, Nix's base-32 form or an SRI hash (sha256-...).", $"{at}.sha256");
                if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "file") || url?.Any(char.IsControl) == true)
                    valid = Refuse(ErrorCodes.WorkloadInvalidValue, $"{at}.url '{Shorten(url!)}' is not an absolute http(s) or file URL.", $"{at}.url");
                return url is null || sha256 is null || !valid ? null : new WorkloadSource(kind, Url: url, Sha256: sha256);
            default:
                var image = _reader.String(value, path, kind);
                if (image is not null && !PinnedImagePattern().IsMatch(image))
                {
                    _reader.Error(ErrorCodes.WorkloadRegistryUnpinned,
                        $"{at} '{Shorten(image)}' is not pinned by digest: give NAME@sha256:<64 hex digits> (a tag can point at another image tomorrow).", at);
                    return null;
                }
                return image is null ? null : new WorkloadSource(kind, Image: image);
        }
    }

    /// <summary>A command build: every field present; the output a relative path inside the checkout; the repository a URL or an absolute path.</summary>
    private CommandBuildSpec? ParseCommandBuild(string at, JsonElement build)
    {
        var missing = CommandBuildFields.Where(field => !build.TryGetProperty(field, out _)).ToList();
        if (missing.Count > 0)
        {
            _reader.Error(ErrorCodes.WorkloadCommandBuildInvalid,
                $"{at} needs flake (\".#NAME\"), or repo, ref, command and output (a command run in a clean checkout of repo at ref, leaving the file output); it lacks {string.Join(", ", missing)}.", at);
            return null;
        }
        var valid = true;
        var repo = _reader.Required(build, at, "repo", JsonValueKind.String)?.GetString();
        if (repo is not null && (repo.Length == 0 || repo.StartsWith('-') || repo.Any(char.IsControl) || !(Path.IsPathRooted(repo) || repo.Contains("://", StringComparison.Ordinal))))
            valid = Refuse(ErrorCodes.WorkloadCommandBuildInvalid, $"{at}.repo '{Shorten(repo)}' must be a git URL (https://..., ssh://..., file://...) or an absolute path.", $"{at}.repo");
        var gitRef = _reader.Required(build, at, "ref", JsonValueKind.String)?.GetString();
        if (gitRef is not null && !GitRefPattern().IsMatch(gitRef))
            valid = Refuse(ErrorCodes.WorkloadCommandBuildInvalid, $"{at}.ref '{Shorten(gitRef)}' must be a branch, a tag or a commit (letters, digits, '/', '.', '_', '-', not starting with '-').", $"{at}.ref");
        var command = Words(build, at, "command");
        if (build.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.Array && command.Count == 0)
            valid = Refuse(ErrorCodes.WorkloadCommandBuildInvalid, $"{at}.command is empty: give the program and its arguments, e.g. [ \"make\" \"image.tar\" ] (or [ \"sh\" \"-c\" \"...\" ] for a shell line).", $"{at}.command");
        var output = _reader.Required(build, at, "output", JsonValueKind.String)?.GetString();
        if (output is not null && (output.Length == 0 || Path.IsPathRooted(output) || output.Split('/').Contains("..") || output.Any(char.IsControl)))
            valid = Refuse(ErrorCodes.WorkloadCommandBuildInvalid, $"{at}.output '{Shorten(output)}' must be a file path relative to the checkout, without '..'.", $"{at}.output");
        return repo is null || gitRef is null || output is null || command.Count == 0 || !valid ? null : new CommandBuildSpec(repo, gitRef, command, output);
    }

    private WorkloadRuntime? ParseRuntime(string path, JsonElement value)
    {
        var given = value.EnumerateObject().Select(p => p.Name).ToList();
        if (given.Count != 1 || !WorkloadRuntime.Kinds.Contains(given[0]))
        {
            _reader.Error(ErrorCodes.WorkloadRuntimeInvalid,
                $"{path} needs exactly one of {string.Join(", ", WorkloadRuntime.Kinds)}, but it has {(given.Count == 0 ? "none" : string.Join(", ", given))}.", path);
            return null;
        }
        var kind = given[0];
        var at = $"{path}.{kind}";
        var options = value.GetProperty(kind);
        if (!_reader.ExpectObject(options, at))
            return null;
        var systemd = kind == WorkloadRuntime.Systemd;
        _reader.CheckFields(options, at, systemd ? SystemdFields : ContainerFields);
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (_reader.Optional(options, at, "env", JsonValueKind.Object) is { } variables)
        {
            foreach (var variable in variables.EnumerateObject())
            {
                if (!EnvNamePattern().IsMatch(variable.Name))
                    _reader.Error(ErrorCodes.WorkloadInvalidValue, $"{at}.env: {Identifiers.Show(variable.Name)} is not an environment variable name (letters, digits and '_', not starting with a digit).", $"{at}.env");
                else if (_reader.Expect(variable.Value, $"{at}.env.{variable.Name}", JsonValueKind.String))
                    env[variable.Name] = Plain(variable.Value.GetString()!, $"{at}.env.{variable.Name}");
            }
        }
        var command = Words(options, at, "command");
        if (systemd && command.Count == 0)
            _reader.Error(ErrorCodes.WorkloadMissingField, $"{at} needs command: the program to run, relative to the extracted bundle, and its arguments (e.g. [ \"bin/server\" ]).", at);
        return new WorkloadRuntime(kind, _reader.Integer(options, at, "port", 1, 65535), env,
            systemd ? [] : Words(options, at, "options"), systemd ? [] : Words(options, at, "runOptions"), command);
    }

    private IReadOnlyList<string>? ParseTargets(string name, JsonElement value, IReadOnlyDictionary<string, MachineSpec> blueprint)
    {
        if (_reader.Required(value, name, "targets", JsonValueKind.Array) is null)
            return null;
        var terms = _reader.StringList(value, name, "targets");
        if (terms.Count == 0 || terms.Any(term => term.Length == 0 || term.Contains('+') || term.Contains(',')))
        {
            _reader.Error(ErrorCodes.WorkloadTargetMatchesNothing,
                $"{name}.targets must list machines (names or globs, web-*) and labels (@web), one a string.", $"{name}.targets");
            return null;
        }
        try
        {
            return MachineSelector.Select(blueprint, MachineSelector.Of(terms), null);
        }
        catch (NixDeployException e)
        {
            foreach (var diagnostic in e.Diagnostics)
                _reader.Error(ErrorCodes.WorkloadTargetMatchesNothing, $"{name}.targets: {diagnostic.Message}", $"{name}.targets");
            return null;
        }
    }

    private WorkloadHealthCheck? ParseHealthCheck(string path, JsonElement value, int? runtimePort)
    {
        _reader.CheckFields(value, path, HealthCheckFields);
        var checkPath = _reader.String(value, path, "path") ?? "/";
        if (!checkPath.StartsWith('/') || checkPath.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            _reader.Error(ErrorCodes.WorkloadInvalidValue, $"{path}.path '{Shorten(checkPath)}' must be a URL path starting with '/', without spaces.", $"{path}.path");
        var port = _reader.Integer(value, path, "port", 1, 65535) ?? runtimePort;
        if (port is null)
            _reader.Error(ErrorCodes.WorkloadMissingField, $"{path} needs a port (or the runtime's port).", path);
        var interval = _reader.Integer(value, path, "interval", 1, 3600) ?? DefaultInterval;
        var timeout = _reader.Integer(value, path, "timeout", 1, 3600) ?? DefaultTimeout;
        return port is null ? null : new WorkloadHealthCheck(checkPath, port.Value, interval, timeout);
    }

    private List<string> Words(JsonElement parent, string path, string name) =>
        _reader.StringList(parent, path, name).Select((word, index) => Plain(word, $"{path}.{name}[{index}]")).ToList();

    private string Plain(string text, string path)
    {
        if (text.Any(char.IsControl))
            _reader.Error(ErrorCodes.WorkloadInvalidValue, $"{path} holds a line break or another control character: {Identifiers.Show(Shorten(text))}.", path);
        return text;
    }

    private bool Refuse(string code, string message, string at)
    {
        _reader.Error(code, message, at);
        return false;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    [GeneratedRegex(@"\A\.#[A-Za-z0-9_][A-Za-z0-9_.-]*\z")]
    private static partial Regex FlakeAttributePattern();

    // Hex, Nix's base-32 alphabet (no e, o, u, t), or SRI.
    [GeneratedRegex(@"\A([0-9a-f]{64}|[0-9a-df-np-sv-z]{52}|sha256-[A-Za-z0-9+/]{43}=)\z")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._/:-]*@sha256:[0-9a-f]{64}\z")]
    private static partial Regex PinnedImagePattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_][A-Za-z0-9_./-]*\z")]
    private static partial Regex GitRefPattern();

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvNamePattern();
}
