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
    private static readonly string[] DeploymentFields = ["addr", "backend", "sshUser", "sshPort", "healthChecks", "autoRollback", "mode"];
    private static readonly string[] HealthCheckFields = ["enabled", "command", "url", "expectedStatus", "timeout", "interval"];

    private readonly List<Diagnostic> _errors = [];
    private readonly string? _file;
    private readonly AttributePositions _positions;

    private BlueprintParser(string? file, AttributePositions positions)
    {
        _file = file;
        _positions = positions;
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
        if (parser._errors.Count > 0)
            throw new NixDeployException(parser._errors);
        return machines;
    }

    private SortedDictionary<string, MachineSpec> ParseMachines(JsonElement root)
    {
        var machines = new SortedDictionary<string, MachineSpec>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error(ErrorCodes.BlueprintWrongType, $"The blueprint must be an attribute set of machines, but it is {Describe(root)}.");
            return machines;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var machine in root.EnumerateObject())
        {
            if (!seen.Add(machine.Name))
            {
                Error(ErrorCodes.BlueprintDuplicateKey,
                    $"The blueprint string declares machine {Identifiers.Show(machine.Name)} more than once: keep one entry per machine.", machine.Name);
                machines.Remove(machine.Name);
                continue;
            }
            if (!Identifiers.IsMachineName(machine.Name))
            {
                Error(ErrorCodes.UnsafeMachineName,
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
        if (!ExpectObject(value, name))
            return null;
        CheckFields(value, name, MachineFields);
        var memory = Optional(value, name, "memory", JsonValueKind.Object) is { } m ? ParseMemory($"{name}.memory", m)
            : new MemorySpec(BlueprintDefaults.MemoryAmount, BlueprintDefaults.MemoryUnit);
        var deployment = Required(value, name, "deployment", JsonValueKind.Object) is { } d ? ParseDeployment(name, d) : null;
        var spec = new MachineSpec(
            String(value, name, "role") ?? BlueprintDefaults.Role,
            PositiveNumber(value, name, "cpu") ?? BlueprintDefaults.Cpu,
            memory,
            StringList(value, name, "labels"),
            Integer(value, name, "replicas", 1, int.MaxValue) ?? BlueprintDefaults.Replicas,
            deployment!);
        return deployment is null ? null : spec;
    }

    private MemorySpec ParseMemory(string path, JsonElement value)
    {
        CheckFields(value, path, MemoryFields);
        return new MemorySpec(
            PositiveNumber(value, path, "amount") ?? BlueprintDefaults.MemoryAmount,
            OneOf(value, path, "unit", BlueprintDefaults.MemoryUnits, BlueprintDefaults.MemoryUnit, ErrorCodes.InvalidValue));
    }

    private DeploymentSpec? ParseDeployment(string machine, JsonElement value)
    {
        var path = $"{machine}.deployment";
        CheckFields(value, path, DeploymentFields);
        var mode = OneOf(value, path, "mode", BlueprintDefaults.Modes, BlueprintDefaults.Modes[0], ErrorCodes.BlueprintUnknownMode) == "pull"
            ? DeploymentMode.Pull : DeploymentMode.Push;
        // A pull machine is never connected to: its addr may be left out.
        var addr = mode == DeploymentMode.Pull && !value.TryGetProperty("addr", out _) ? ""
            : Required(value, path, "addr", JsonValueKind.String)?.GetString();
        var user = String(value, path, "sshUser") ?? BlueprintDefaults.SshUser;
        var backend = OneOf(value, path, "backend", BlueprintDefaults.Backends, BlueprintDefaults.Backend, ErrorCodes.BlueprintUnknownBackend);
        var portText = Optional(value, path, "sshPort", JsonValueKind.Number)?.GetRawText();
        foreach (var error in SshEndpointValidator.Check(SshEndpointValidator.Fields.Blueprint(machine), addr is "" ? null : addr, user, portText, _file))
            Error(error.Code, error.Message, error.Code switch
            {
                ErrorCodes.UnsafeAddress => $"{path}.addr",
                ErrorCodes.UnsafeUser => $"{path}.sshUser",
                _ => $"{path}.sshPort",
            });
        var port = (portText is null ? null : SshEndpointValidator.ParsePort(portText)) ?? BlueprintDefaults.SshPort;
        var checks = new List<HealthCheckSpec>();
        if (Optional(value, path, "healthChecks", JsonValueKind.Array) is { } array)
        {
            var index = 0;
            foreach (var check in array.EnumerateArray())
            {
                if (ParseHealthCheck($"{path}.healthChecks[{index++}]", check) is { } spec)
                    checks.Add(spec);
            }
        }
        var autoRollback = Boolean(value, path, "autoRollback") ?? BlueprintDefaults.AutoRollback;
        return addr is null ? null : new DeploymentSpec(addr, backend, user, port, checks, autoRollback, mode);
    }

    private HealthCheckSpec? ParseHealthCheck(string path, JsonElement value)
    {
        if (!ExpectObject(value, path))
            return null;
        CheckFields(value, path, HealthCheckFields);
        var command = String(value, path, "command");
        var url = String(value, path, "url");
        if ((command is null) == (url is null))
        {
            Error(command is null ? ErrorCodes.BlueprintMissingField : ErrorCodes.InvalidValue,
                $"{path} needs exactly one of 'command' (run on the host) or 'url' (fetched over HTTP).", path);
            return null;
        }
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            Error(ErrorCodes.InvalidValue, $"{path}.url '{url}' is not an absolute http(s) URL.", $"{path}.url");
        var timeout = Integer(value, path, "timeout", 1, 86400) ?? BlueprintDefaults.HealthCheckTimeout;
        var interval = Integer(value, path, "interval", 1, 86400) ?? BlueprintDefaults.HealthCheckInterval;
        return new HealthCheckSpec(
            Boolean(value, path, "enabled") ?? true,
            command,
            url,
            url is null ? null : Integer(value, path, "expectedStatus", 100, 599) ?? BlueprintDefaults.HttpExpectedStatus,
            timeout,
            interval);
    }

    // A field given twice, or one the SDK does not know, would silently change or lose what the user meant.
    private void CheckFields(JsonElement value, string path, IReadOnlyCollection<string> known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                Error(ErrorCodes.BlueprintDuplicateKey, $"{path}.{property.Name} is given more than once: keep one.", $"{path}.{property.Name}");
            else if (!known.Contains(property.Name))
                Error(ErrorCodes.BlueprintUnknownField, $"{path}.{property.Name} is not a field the blueprint knows, and would be ignored: {NearestName.Hint(property.Name, known)}.", $"{path}.{property.Name}");
        }
    }

    private JsonElement? Required(JsonElement parent, string path, string name, JsonValueKind kind)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            Error(ErrorCodes.BlueprintMissingField, $"{path} is missing the required field '{name}'.", path);
            return null;
        }
        return Expect(value, $"{path}.{name}", kind) ? value : null;
    }

    private JsonElement? Optional(JsonElement parent, string path, string name, JsonValueKind kind) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && Expect(value, $"{path}.{name}", kind)
            ? value
            : null;

    private string? String(JsonElement parent, string path, string name) =>
        Optional(parent, path, name, JsonValueKind.String)?.GetString();

    private bool? Boolean(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return value.GetBoolean();
        Error(ErrorCodes.BlueprintWrongType, $"{path}.{name} must be true or false, but it is {Describe(value)}.", $"{path}.{name}");
        return null;
    }

    private double? PositiveNumber(JsonElement parent, string path, string name)
    {
        if (Optional(parent, path, name, JsonValueKind.Number) is not { } value)
            return null;
        var number = value.GetDouble();
        if (number > 0)
            return number;
        Error(ErrorCodes.InvalidValue, $"{path}.{name} must be greater than 0, but it is {number}.", $"{path}.{name}");
        return null;
    }

    private int? Integer(JsonElement parent, string path, string name, int min, int max)
    {
        if (Optional(parent, path, name, JsonValueKind.Number) is not { } value)
            return null;
        if (value.TryGetInt64(out var number) && number >= min && number <= max)
            return (int)number;
        Error(ErrorCodes.InvalidValue, $"{path}.{name} must be a whole number from {min} to {max}, but it is {value.GetRawText()}.", $"{path}.{name}");
        return null;
    }

    private string OneOf(JsonElement parent, string path, string name, IReadOnlyList<string> allowed, string fallback, string code)
    {
        var value = String(parent, path, name);
        if (value is null || allowed.Contains(value))
            return value ?? fallback;
        Error(code, $"{path}.{name} '{value}' is not supported: use one of {string.Join(", ", allowed)}.", $"{path}.{name}");
        return fallback;
    }

    private IReadOnlyList<string> StringList(JsonElement parent, string path, string name)
    {
        if (Optional(parent, path, name, JsonValueKind.Array) is not { } array)
            return [];
        var items = new List<string>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (Expect(item, $"{path}.{name}[{index++}]", JsonValueKind.String))
                items.Add(item.GetString()!);
        }
        return items;
    }

    private bool ExpectObject(JsonElement value, string path) => Expect(value, path, JsonValueKind.Object);

    private bool Expect(JsonElement value, string path, JsonValueKind kind)
    {
        if (value.ValueKind == kind)
            return true;
        Error(ErrorCodes.BlueprintWrongType, $"{path} must be {Article(kind)}, but it is {Describe(value)}.", path);
        return false;
    }

    /// <param name="at">The path of the value at fault, for its position in the flake.</param>
    private void Error(string code, string message, string? at = null) =>
        _errors.Add(at is not null && _positions.Locate(at) is var (file, line, column)
            ? new Diagnostic(code, message, file, line, column)
            : new Diagnostic(code, message, _file));

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an attribute set",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => $"a boolean ({value.GetRawText()})",
        JsonValueKind.Null => "null",
        _ => $"{Article(value.ValueKind)} ({Shorten(value.GetRawText())})",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
