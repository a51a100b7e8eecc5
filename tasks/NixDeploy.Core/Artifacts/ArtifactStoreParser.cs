using System.Text.Json;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Host;

namespace NixDeploy.Artifacts;

/// <summary>
/// Turns the evaluated <c>artifacts</c> output into a validated <see cref="ArtifactStore"/>. Every problem is collected
/// and reported at once with its ND60xx code, naming the flake and the attribute to fix.
/// </summary>
public sealed class ArtifactStoreParser
{
    /// <summary>Where files go on the target when a declaration gives no path: outside the Nix store, gone at reboot.</summary>
    public const string DefaultTargetRoot = HostProtocol.StateRoot + "/artifacts";

    private static readonly string[] ArtifactKeys = ["shared", "prompt", "file", "generator", "serialize", "deserialize"];
    private static readonly string[] FileKeys = ["path", "secret", "owner", "group", "mode"];
    private static readonly string[] PromptKeys = ["description", "type"];

    private readonly List<Diagnostic> _errors = [];
    private readonly string _attribute;
    private readonly string? _file;
    private readonly AttributePositions _positions;

    private ArtifactStoreParser(string attribute, string? file, AttributePositions positions)
    {
        _attribute = attribute;
        _file = file;
        _positions = positions;
    }

    /// <param name="json">The evaluated output, with every script as <c>{ text, needs }</c> (see <see cref="ArtifactStoreEvaluator"/>).</param>
    /// <param name="machines">The blueprint's machines: artifacts may only be declared for those.</param>
    /// <param name="positions">Where the output's values are defined: an error names its value's file, line and column.</param>
    public static ArtifactStore Parse(JsonElement json, IReadOnlyCollection<string> machines, string attribute, string? file,
        AttributePositions? positions = null)
    {
        var parser = new ArtifactStoreParser(attribute, file, positions ?? AttributePositions.Unknown);
        var store = parser.ParseStore(json, machines);
        if (parser._errors.Count > 0)
            throw new NixDeployException(parser._errors);
        return store;
    }

    private ArtifactStore ParseStore(JsonElement json, IReadOnlyCollection<string> machines)
    {
        if (!IsObject(json, _attribute))
            return ArtifactStore.Empty;
        Unknown(json, _attribute, ["store", "backend", "config"]);
        var backends = ParseBackends(json);
        var config = ParseConfig(json, backends);
        var declared = new List<(string Machine, ArtifactDeclaration Artifact, JsonElement Raw)>();
        if (json.TryGetProperty("store", out var store) && IsObject(store, $"{_attribute}.store"))
        {
            foreach (var machine in store.EnumerateObject())
            {
                var where = $"{_attribute}.store.{machine.Name}";
                if (!machines.Contains(machine.Name))
                {
                    Error(ErrorCodes.ArtifactDeclarationInvalid,
                        $"{where}: '{machine.Name}' is not a machine of the blueprint. Declare artifacts only for machines in the blueprint ({string.Join(", ", machines.Order(StringComparer.Ordinal))}).");
                    continue;
                }
                if (!IsObject(machine.Value, where))
                    continue;
                foreach (var artifact in machine.Value.EnumerateObject())
                {
                    if (ParseArtifact(machine.Name, artifact.Name, artifact.Value, config, backends) is { } parsed)
                        declared.Add((machine.Name, parsed, artifact.Value));
                }
            }
        }
        var artifacts = MergeShared(declared);
        CheckTargetPaths(artifacts);
        CheckRecipients(artifacts, config);
        return new ArtifactStore(artifacts, config, backends, _file);
    }

    private ArtifactDeclaration? ParseArtifact(string machine, string name, JsonElement json, ArtifactConfig config, IReadOnlyDictionary<string, CommandBackendScripts> backends)
    {
        var where = $"{_attribute}.store.{machine}.{name}";
        if (!ArtifactNames.IsName(name))
        {
            Error(ErrorCodes.UnsafeArtifactName, $"{where}: '{name}' is not a safe artifact name: use letters, digits, '.', '_' and '-', starting with a letter or digit.");
            return null;
        }
        if (!IsObject(json, where))
            return null;
        Unknown(json, where, ArtifactKeys);
        var shared = Boolean(json, "shared", where, false);
        var key = new ArtifactKey(shared ? null : machine, name);

        var prompts = new SortedDictionary<string, PromptDeclaration>(StringComparer.Ordinal);
        if (json.TryGetProperty("prompt", out var promptsJson) && IsObject(promptsJson, $"{where}.prompt"))
        {
            foreach (var prompt in promptsJson.EnumerateObject())
            {
                if (ParsePrompt(prompt.Name, prompt.Value, $"{where}.prompt.{prompt.Name}") is { } parsed)
                    prompts[prompt.Name] = parsed;
            }
        }

        var files = new SortedDictionary<string, FileDeclaration>(StringComparer.Ordinal);
        if (!json.TryGetProperty("file", out var filesJson) || filesJson.ValueKind != JsonValueKind.Object || !filesJson.EnumerateObject().Any())
            Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where}.file: an artifact needs at least one file: declare file.NAME = {{ secret = true; }} for each file its generator writes to $out/NAME.");
        else
        {
            foreach (var file in filesJson.EnumerateObject())
            {
                if (ParseFile(key, file.Name, file.Value, $"{where}.file.{file.Name}") is { } parsed)
                    files[file.Name] = parsed;
            }
        }

        var generator = Script(json, "generator", where);
        var serialize = Backend(json, "serialize", where, config.SerializeDefault, backends);
        var deserialize = Backend(json, "deserialize", where, config.DeserializeDefault, backends);
        if (generator is null)
            return null;
        return new ArtifactDeclaration(key, prompts, files, generator, serialize, deserialize, [machine]);
    }

    private PromptDeclaration? ParsePrompt(string name, JsonElement json, string where)
    {
        if (!ArtifactNames.IsName(name))
        {
            Error(ErrorCodes.UnsafeArtifactName, $"{where}: '{name}' is not a safe prompt name: use letters, digits, '.', '_' and '-'.");
            return null;
        }
        if (!IsObject(json, where))
            return null;
        Unknown(json, where, PromptKeys);
        var description = String(json, "description", where) ?? name;
        var type = String(json, "type", where) ?? "line";
        PromptType? parsed = type switch
        {
            "line" => PromptType.Line,
            "hidden" => PromptType.Hidden,
            "multiline" => PromptType.Multiline,
            _ => null,
        };
        if (parsed is null)
        {
            Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where}.type: '{type}' is not a prompt type: use \"line\", \"hidden\" or \"multiline\".");
            return null;
        }
        return new PromptDeclaration(name, description, parsed.Value);
    }

    private FileDeclaration? ParseFile(ArtifactKey key, string name, JsonElement json, string where)
    {
        if (!ArtifactNames.IsName(name))
        {
            Error(ErrorCodes.UnsafeArtifactName, $"{where}: '{name}' is not a safe file name: use letters, digits, '.', '_' and '-', starting with a letter or digit.");
            return null;
        }
        if (!IsObject(json, where))
            return null;
        Unknown(json, where, FileKeys);
        var path = String(json, "path", where) ?? $"{DefaultTargetRoot}/{key.RelativeDirectory.Replace('\\', '/')}/{name}";
        var ok = true;
        if (!ArtifactNames.IsTargetPath(path))
        {
            Error(ErrorCodes.ArtifactPathInvalid, $"{where}.path: '{path}' is not an absolute path of plain segments: use letters, digits and '_@%+=:,.-' between slashes, no '.' or '..'.");
            ok = false;
        }
        else if (ArtifactNames.IsInNixStore(path))
        {
            Error(ErrorCodes.ArtifactPathInvalid, $"{where}.path: '{path}' is in the Nix store, which every user can read: choose a path outside /nix/store (default: under {DefaultTargetRoot}).");
            ok = false;
        }
        var secret = Boolean(json, "secret", where, true);
        var owner = String(json, "owner", where) ?? "root";
        var group = String(json, "group", where) ?? "root";
        var mode = String(json, "mode", where) ?? "0400";
        foreach (var (field, value) in new[] { ("owner", owner), ("group", group) })
        {
            if (!ArtifactNames.IsAccount(value))
            {
                Error(ErrorCodes.ArtifactPermissionsInvalid, $"{where}.{field}: '{value}' is not a user or group name (lower-case letters, digits, '_', '-') or a numeric id.");
                ok = false;
            }
        }
        if (!ArtifactNames.IsMode(mode))
        {
            Error(ErrorCodes.ArtifactPermissionsInvalid, $"{where}.mode: '{mode}' is not an octal file mode: write it as a string of octal digits, e.g. mode = \"0400\".");
            ok = false;
        }
        return ok ? new FileDeclaration(name, path, secret, owner, group, ArtifactNames.NormalizeMode(mode)) : null;
    }

    // Machines declaring the same shared artifact share one value, so their declarations must agree.
    private List<ArtifactDeclaration> MergeShared(List<(string Machine, ArtifactDeclaration Artifact, JsonElement Raw)> declared)
    {
        var result = new List<ArtifactDeclaration>();
        foreach (var group in declared.GroupBy(d => d.Artifact.Key))
        {
            var first = group.First();
            var firstJson = Canonical(first.Raw);
            foreach (var other in group.Skip(1).Where(other => Canonical(other.Raw) != firstJson))
                Error(ErrorCodes.SharedArtifactConflict,
                    $"{_attribute}.store: the shared artifact '{first.Artifact.Key.Name}' is declared differently for {first.Machine} and {other.Machine}. A shared artifact has one value for all its machines: declare it identically (e.g. from one let-binding).");
            result.Add(first.Artifact with { Machines = group.Select(d => d.Machine).Order(StringComparer.Ordinal).ToList() });
        }
        return result.OrderBy(a => a.Key.ToString(), StringComparer.Ordinal).ToList();
    }

    private void CheckTargetPaths(List<ArtifactDeclaration> artifacts)
    {
        var byMachine = artifacts.SelectMany(a => a.Machines.SelectMany(m => a.Files.Values.Select(f => (Machine: m, Artifact: a, File: f))));
        foreach (var clash in byMachine.GroupBy(x => (x.Machine, x.File.Path)).Where(g => g.Count() > 1))
            Error(ErrorCodes.ArtifactPathInvalid,
                $"{_attribute}.store.{clash.Key.Machine}: {string.Join(" and ", clash.Select(x => $"{x.Artifact.Key}/{x.File.Name}"))} all go to '{clash.Key.Path}': give each file its own path.");
    }

    // Every secret reaches its hosts encrypted to their host keys, whatever stores it. Checked at evaluation, so that it
    // fails before a generator has run.
    private void CheckRecipients(List<ArtifactDeclaration> artifacts, ArtifactConfig config)
    {
        var needKeys = artifacts
            .Where(a => a.Files.Values.Any(f => f.Secret))
            .SelectMany(a => a.Machines)
            .Distinct()
            .Where(machine => !config.Age.Hosts.ContainsKey(machine))
            .Order(StringComparer.Ordinal);
        foreach (var machine in needKeys)
            Error(ErrorCodes.ArtifactRecipientsInvalid,
                $"{_attribute}.config.age.hosts.{machine}: {machine} has secret artifacts but no host key to encrypt them to. Add {_attribute}.config.age.hosts.{machine}.publicKey = \"ssh-ed25519 ...\" (its /etc/ssh/ssh_host_ed25519_key.pub, e.g. from ssh-keyscan), so that it can decrypt them.");
    }

    private IReadOnlyDictionary<string, CommandBackendScripts> ParseBackends(JsonElement json)
    {
        var backends = new SortedDictionary<string, CommandBackendScripts>(StringComparer.Ordinal);
        if (!json.TryGetProperty("backend", out var all) || !IsObject(all, $"{_attribute}.backend"))
            return backends;
        foreach (var backend in all.EnumerateObject())
        {
            var where = $"{_attribute}.backend.{backend.Name}";
            if (!ArtifactNames.IsName(backend.Name) || ArtifactBackendNames.IsBuiltIn(backend.Name))
            {
                Error(ErrorCodes.ArtifactBackendInvalid, $"{where}: '{backend.Name}' cannot name a backend: use letters, digits, '.', '_' and '-', and none of the built-in names (age, none, plain).");
                continue;
            }
            if (!IsObject(backend.Value, where))
                continue;
            Unknown(backend.Value, where, ["serialize", "deserialize"]);
            var serialize = Script(backend.Value, "serialize", where);
            var deserialize = Script(backend.Value, "deserialize", where);
            if (serialize is not null && deserialize is not null)
                backends[backend.Name] = new CommandBackendScripts(serialize, deserialize);
        }
        return backends;
    }

    private ArtifactConfig ParseConfig(JsonElement json, IReadOnlyDictionary<string, CommandBackendScripts> backends)
    {
        if (!json.TryGetProperty("config", out var config) || !IsObject(config, $"{_attribute}.config"))
            return ArtifactConfig.Default;
        var where = $"{_attribute}.config";
        Unknown(config, where, ["serialize", "deserialize", "age"]);
        string Default(string direction)
        {
            if (!config.TryGetProperty(direction, out var section) || !IsObject(section, $"{where}.{direction}"))
                return ArtifactBackendNames.Age;
            Unknown(section, $"{where}.{direction}", ["default"]);
            return Backend(section, "default", $"{where}.{direction}", ArtifactBackendNames.Age, backends);
        }
        return new ArtifactConfig(Default("serialize"), Default("deserialize"), ParseAge(config, where));
    }

    private AgeConfig ParseAge(JsonElement config, string parent)
    {
        var where = $"{parent}.age";
        if (!config.TryGetProperty("age", out var age) || !IsObject(age, where))
            return AgeConfig.Empty;
        Unknown(age, where, ["admins", "hosts"]);
        var admins = new List<string>();
        if (age.TryGetProperty("admins", out var adminsJson))
        {
            if (adminsJson.ValueKind != JsonValueKind.Array)
                Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where}.admins must be a list of public keys (\"age1...\" or \"ssh-ed25519 ...\").");
            else
            {
                foreach (var admin in adminsJson.EnumerateArray())
                {
                    if (Recipient(admin, $"{where}.admins") is { } key)
                        admins.Add(key);
                }
            }
        }
        var hosts = new SortedDictionary<string, HostKey>(StringComparer.Ordinal);
        if (age.TryGetProperty("hosts", out var hostsJson) && IsObject(hostsJson, $"{where}.hosts"))
        {
            foreach (var host in hostsJson.EnumerateObject())
            {
                var hostWhere = $"{where}.hosts.{host.Name}";
                if (!Identifiers.IsMachineName(host.Name) || !IsObject(host.Value, hostWhere))
                    continue;
                Unknown(host.Value, hostWhere, ["publicKey", "identityFile"]);
                var publicKey = host.Value.TryGetProperty("publicKey", out var keyJson) ? Recipient(keyJson, $"{hostWhere}.publicKey") : null;
                if (publicKey is null && keyJson.ValueKind == JsonValueKind.Undefined)
                    Error(ErrorCodes.ArtifactRecipientsInvalid, $"{hostWhere}.publicKey is missing: set it to the machine's SSH host public key (\"ssh-ed25519 ...\").");
                var identity = String(host.Value, "identityFile", hostWhere) ?? HostKey.DefaultIdentityFile;
                if (!ArtifactNames.IsTargetPath(identity))
                    Error(ErrorCodes.ArtifactPathInvalid, $"{hostWhere}.identityFile: '{identity}' is not an absolute path on the host.");
                else if (publicKey is not null)
                    hosts[host.Name] = new HostKey(publicKey, identity);
            }
        }
        return new AgeConfig(admins, hosts);
    }

    private string? Recipient(JsonElement json, string where)
    {
        var key = json.ValueKind == JsonValueKind.String ? json.GetString()!.Trim() : null;
        if (key is not null && AgeRecipients.IsValid(key))
            return key;
        Error(ErrorCodes.ArtifactRecipientsInvalid,
            $"{where}: {(key is null ? json.GetRawText() : $"'{key}'")} is not an age recipient: use an age public key (\"age1...\") or an SSH public key (\"ssh-ed25519 AAAA...\" or \"ssh-rsa AAAA...\") on one line.");
        return null;
    }

    private string Backend(JsonElement json, string name, string where, string fallback, IReadOnlyDictionary<string, CommandBackendScripts> backends)
    {
        var backend = String(json, name, where);
        if (backend is null)
            return fallback;
        if (backend is ArtifactBackendNames.Age or ArtifactBackendNames.None || backends.ContainsKey(backend))
            return backend;
        Error(ErrorCodes.ArtifactBackendInvalid,
            $"{where}.{name}: '{backend}' is not a backend: use \"age\", \"none\" (skip serialization: regenerate every time), or one of {_attribute}.backend ({(backends.Count == 0 ? "none declared" : string.Join(", ", backends.Keys))}).");
        return fallback;
    }

    // The evaluator turns every script into { text, needs }; a plain string here means the script was not a string.
    private NixScript? Script(JsonElement json, string name, string where)
    {
        if (!json.TryGetProperty(name, out var script))
        {
            Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where}.{name} is missing: give a shell script.");
            return null;
        }
        if (script.ValueKind != JsonValueKind.Object || !script.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String
            || text.GetString()!.Trim().Length == 0)
        {
            Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where}.{name} must be a non-empty shell script (a string).");
            return null;
        }
        var needs = script.TryGetProperty("needs", out var needsJson) && needsJson.ValueKind == JsonValueKind.Array
            ? needsJson.EnumerateArray().Select(n => n.GetString()!).ToList()
            : [];
        return new NixScript(text.GetString()!, needs);
    }

    private string? String(JsonElement json, string name, string where)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString();
        Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where}.{name} must be a string, not {value.GetRawText()}.");
        return null;
    }

    private bool Boolean(JsonElement json, string name, string where, bool fallback)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return fallback;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return value.GetBoolean();
        Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where}.{name} must be true or false, not {value.GetRawText()}.");
        return fallback;
    }

    private bool IsObject(JsonElement json, string where)
    {
        if (json.ValueKind == JsonValueKind.Object)
            return true;
        Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where} must be an attribute set, not {json.ValueKind.ToString().ToLowerInvariant()}.");
        return false;
    }

    // A typo (e.g. "files" for "file") would otherwise silently lose a declaration.
    private void Unknown(JsonElement json, string where, string[] known)
    {
        foreach (var property in json.EnumerateObject().Where(p => !known.Contains(p.Name)))
            Error(ErrorCodes.ArtifactDeclarationInvalid, $"{where}.{property.Name} is not an option: {NearestName.Hint(property.Name, known)}.");
    }

    private static string Canonical(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", json.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Name) + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", json.EnumerateArray().Select(Canonical)) + "]",
        _ => json.GetRawText(),
    };

    // Every message here begins with the path of the value at fault ("artifacts.store.web-1.key.file.id.path: ..."):
    // where that value is defined is where the error points.
    private void Error(string code, string message) =>
        _errors.Add(_positions.Locate(PathIn(message)) is var (file, line, column)
            ? new Diagnostic(code, message, file, line, column)
            : new Diagnostic(code, message, _file));

    private string PathIn(string message)
    {
        var path = message.Split(' ', 2)[0].TrimEnd(':');
        return path.StartsWith(_attribute + ".", StringComparison.Ordinal) ? path[(_attribute.Length + 1)..] : "";
    }
}
