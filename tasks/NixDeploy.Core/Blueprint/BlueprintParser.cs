using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Blueprint;

/// <summary>
/// Turns the JSON that <c>nix eval --json</c> printed into typed, validated machine specs. Every problem is
/// collected with its path (<c>web-1.deployment.sshPort</c>) so the user fixes them all in one go.
/// </summary>
public sealed class BlueprintParser
{
    private static readonly string[] MachineFields = ["role", "cpu", "memory", "labels", "replicas", "deployment"];
    private static readonly string[] MemoryFields = ["amount", "unit"];
    private static readonly string[] DeploymentFields = ["addr", "backend", "sshUser", "sshPort", "privilegeEscalation", "healthChecks", "autoRollback", "mode"];
    private static readonly string[] HealthCheckFields = ["enabled", "command", "url", "expectedStatus", "timeout", "interval"];

    private static readonly SpecCodes Codes = new("the blueprint", ErrorCodes.BlueprintMissingField, ErrorCodes.BlueprintWrongType,
        ErrorCodes.BlueprintUnknownField, ErrorCodes.BlueprintDuplicateKey, ErrorCodes.InvalidValue);

    private readonly SpecReader _reader;
    private readonly string? _file;

    private BlueprintParser(string? file, AttributePositions positions)
    {
        _file = file;
        _reader = new SpecReader(file, positions, Codes);
    }

    /// <summary>
    /// Parses a blueprint; an error names where its value is defined (<paramref name="positions"/>), else
    /// <paramref name="file"/> (the flake that declares the blueprint).
    /// </summary>
    public static IReadOnlyDictionary<string, MachineSpec> Parse(string json, string? file, AttributePositions? positions = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new NixDeployException(ErrorCodes.BlueprintMalformed,
                $"The blueprint is not valid JSON ({e.Message}). Make the blueprint attribute an attribute set, or a string made with builtins.toJSON.", file);
        }
        using (document)
            return Parse(document.RootElement, file, positions);
    }

    public static IReadOnlyDictionary<string, MachineSpec> Parse(JsonElement root, string? file, AttributePositions? positions = null)
    {
        // A blueprint exported as builtins.toJSON arrives as a JSON string holding the JSON (Nix knows no positions in it).
        if (root.ValueKind == JsonValueKind.String)
            return Parse(root.GetString()!, file);
        var parser = new BlueprintParser(file, positions ?? AttributePositions.Unknown);
        var machines = parser.ParseMachines(root);
        parser._reader.ThrowIfAny();
        return machines;
    }

    private SortedDictionary<string, MachineSpec> ParseMachines(JsonElement root)
    {
        var machines = new SortedDictionary<string, MachineSpec>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            _reader.Error(ErrorCodes.BlueprintWrongType, $"The blueprint must be an attribute set of machines, but it is {SpecReader.Describe(root)}.");
            return machines;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var machine in root.EnumerateObject())
        {
            if (!seen.Add(machine.Name))
            {
                _reader.Error(ErrorCodes.BlueprintDuplicateKey,
                    $"The blueprint string declares machine {Identifiers.Show(machine.Name)} more than once: keep one entry per machine.", machine.Name);
                machines.Remove(machine.Name);
                continue;
            }
            if (!Identifiers.IsMachineName(machine.Name))
            {
                _reader.Error(ErrorCodes.UnsafeMachineName,
                    $"Machine name {Identifiers.Show(machine.Name)} is not allowed: use letters, digits, '-' and '_' (at most 63, starting with a letter or digit).", machine.Name);
                continue;
            }
            if (ParseMachine(machine.Name, machine.Value) is { } spec)
                machines.Add(machine.Name, spec);
        }
        return machines;
    }

    private MachineSpec? ParseMachine(string name, JsonElement value)
    {
        if (!_reader.ExpectObject(value, name))
            return null;
        _reader.CheckFields(value, name, MachineFields);
        var memory = _reader.Optional(value, name, "memory", JsonValueKind.Object) is { } m ? ParseMemory($"{name}.memory", m)
            : new MemorySpec(BlueprintDefaults.MemoryAmount, BlueprintDefaults.MemoryUnit);
        var deployment = _reader.Required(value, name, "deployment", JsonValueKind.Object) is { } d ? ParseDeployment(name, d) : null;
        var spec = new MachineSpec(
            _reader.String(value, name, "role") ?? BlueprintDefaults.Role,
            _reader.PositiveNumber(value, name, "cpu") ?? BlueprintDefaults.Cpu,
            memory,
            _reader.StringList(value, name, "labels"),
            _reader.Integer(value, name, "replicas", 1, int.MaxValue) ?? BlueprintDefaults.Replicas,
            deployment!);
        return deployment is null ? null : spec;
    }

    private MemorySpec ParseMemory(string path, JsonElement value)
    {
        _reader.CheckFields(value, path, MemoryFields);
        return new MemorySpec(
            _reader.PositiveNumber(value, path, "amount") ?? BlueprintDefaults.MemoryAmount,
            _reader.OneOf(value, path, "unit", BlueprintDefaults.MemoryUnits, BlueprintDefaults.MemoryUnit, ErrorCodes.InvalidValue));
    }

    private DeploymentSpec? ParseDeployment(string machine, JsonElement value)
    {
        var path = $"{machine}.deployment";
        _reader.CheckFields(value, path, DeploymentFields);
        var mode = _reader.OneOf(value, path, "mode", BlueprintDefaults.Modes, BlueprintDefaults.Modes[0], ErrorCodes.BlueprintUnknownMode) == "pull"
            ? DeploymentMode.Pull : DeploymentMode.Push;
        // A pull machine is never connected to: its addr may be left out.
        var addr = mode == DeploymentMode.Pull && !value.TryGetProperty("addr", out _) ? ""
            : _reader.Required(value, path, "addr", JsonValueKind.String)?.GetString();
        var user = _reader.String(value, path, "sshUser") ?? BlueprintDefaults.SshUser;
        var backend = _reader.OneOf(value, path, "backend", BlueprintDefaults.Backends, BlueprintDefaults.Backend, ErrorCodes.BlueprintUnknownBackend);
        var portText = _reader.Optional(value, path, "sshPort", JsonValueKind.Number)?.GetRawText();
        foreach (var error in SshEndpointValidator.Check(SshEndpointValidator.Fields.Blueprint(machine), addr is "" ? null : addr, user, portText, _file))
            _reader.Error(error.Code, error.Message, error.Code switch
            {
                ErrorCodes.UnsafeAddress => $"{path}.addr",
                ErrorCodes.UnsafeUser => $"{path}.sshUser",
                _ => $"{path}.sshPort",
            });
        var port = (portText is null ? null : SshEndpointValidator.ParsePort(portText)) ?? BlueprintDefaults.SshPort;
        var checks = new List<HealthCheckSpec>();
        if (_reader.Optional(value, path, "healthChecks", JsonValueKind.Array) is { } array)
        {
            var index = 0;
            foreach (var check in array.EnumerateArray())
            {
                if (ParseHealthCheck($"{path}.healthChecks[{index++}]", check) is { } spec)
                    checks.Add(spec);
            }
        }
        var autoRollback = _reader.Boolean(value, path, "autoRollback") ?? BlueprintDefaults.AutoRollback;
        // Absent (or not valid): null, the default for the user, which may still be overridden.
        var escalation = _reader.OneOf(value, path, "privilegeEscalation", BlueprintDefaults.PrivilegeEscalations, "", ErrorCodes.BlueprintUnknownPrivilegeEscalation) is { Length: > 0 } word
            ? Enum.Parse<PrivilegeEscalation>(word, ignoreCase: true)
            : (PrivilegeEscalation?)null;
        return addr is null ? null : new DeploymentSpec(addr, backend, user, port, checks, autoRollback, escalation, mode);
    }

    private HealthCheckSpec? ParseHealthCheck(string path, JsonElement value)
    {
        if (!_reader.ExpectObject(value, path))
            return null;
        _reader.CheckFields(value, path, HealthCheckFields);
        var command = _reader.String(value, path, "command");
        var url = _reader.String(value, path, "url");
        if ((command is null) == (url is null))
        {
            _reader.Error(command is null ? ErrorCodes.BlueprintMissingField : ErrorCodes.InvalidValue,
                $"{path} needs exactly one of 'command' (run on the host) or 'url' (fetched over HTTP).", path);
            return null;
        }
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            _reader.Error(ErrorCodes.InvalidValue, $"{path}.url '{url}' is not an absolute http(s) URL.", $"{path}.url");
        var timeout = _reader.Integer(value, path, "timeout", 1, 86400) ?? BlueprintDefaults.HealthCheckTimeout;
        var interval = _reader.Integer(value, path, "interval", 1, 86400) ?? BlueprintDefaults.HealthCheckInterval;
        return new HealthCheckSpec(
            _reader.Boolean(value, path, "enabled") ?? true,
            command,
            url,
            url is null ? null : _reader.Integer(value, path, "expectedStatus", 100, 599) ?? BlueprintDefaults.HttpExpectedStatus,
            timeout,
            interval);
    }
}
