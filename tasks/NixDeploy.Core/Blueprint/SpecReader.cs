using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Blueprint;

/// <summary>The codes a <see cref="SpecReader"/> reports for one kind of declaration (the blueprint, the workloads).</summary>
/// <param name="What">The declaration as messages name it: "the blueprint".</param>
public sealed record SpecCodes(string What, string Missing, string WrongType, string UnknownField, string Duplicate, string InvalidValue);

/// <summary>
/// Typed reads of an evaluated declaration's JSON that collect every problem with its path (<c>web-1.deployment.sshPort</c>)
/// and, where Nix knows it, its position in the flake, so the user fixes them all in one go.
/// </summary>
public sealed class SpecReader(string? file, AttributePositions positions, SpecCodes codes)
{
    private readonly List<Diagnostic> _errors = [];
    private readonly SpecCodes _codes = codes;

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
            throw new NixDeployException(_errors);
    }

    // A field given twice, or one the SDK does not know, would silently change or lose what the user meant.
    public void CheckFields(JsonElement value, string path, IReadOnlyCollection<string> known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                Error(_codes.Duplicate, $"{path}.{property.Name} is given more than once: keep one.", $"{path}.{property.Name}");
            else if (!known.Contains(property.Name))
                Error(_codes.UnknownField, $"{path}.{property.Name} is not a field {_codes.What} knows, and would be ignored: {NearestName.Hint(property.Name, known)}.", $"{path}.{property.Name}");
        }
    }

    public JsonElement? Required(JsonElement parent, string path, string name, JsonValueKind kind)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            Error(_codes.Missing, $"{path} is missing the required field '{name}'.", path);
            return null;
        }
        return Expect(value, $"{path}.{name}", kind) ? value : null;
    }

    public JsonElement? Optional(JsonElement parent, string path, string name, JsonValueKind kind) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && Expect(value, $"{path}.{name}", kind)
            ? value
            : null;

    public string? String(JsonElement parent, string path, string name) =>
        Optional(parent, path, name, JsonValueKind.String)?.GetString();

    public bool? Boolean(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return value.GetBoolean();
        Error(_codes.WrongType, $"{path}.{name} must be true or false, but it is {Describe(value)}.", $"{path}.{name}");
        return null;
    }

    public double? PositiveNumber(JsonElement parent, string path, string name)
    {
        if (Optional(parent, path, name, JsonValueKind.Number) is not { } value)
            return null;
        var number = value.GetDouble();
        if (number > 0)
            return number;
        Error(_codes.InvalidValue, $"{path}.{name} must be greater than 0, but it is {number}.", $"{path}.{name}");
        return null;
    }

    public int? Integer(JsonElement parent, string path, string name, int min, int max)
    {
        if (Optional(parent, path, name, JsonValueKind.Number) is not { } value)
            return null;
        if (value.TryGetInt64(out var number) && number >= min && number <= max)
            return (int)number;
        Error(_codes.InvalidValue, $"{path}.{name} must be a whole number from {min} to {max}, but it is {value.GetRawText()}.", $"{path}.{name}");
        return null;
    }

    public string OneOf(JsonElement parent, string path, string name, IReadOnlyList<string> allowed, string fallback, string code)
    {
        var value = String(parent, path, name);
        if (value is null || allowed.Contains(value))
            return value ?? fallback;
        Error(code, $"{path}.{name} '{value}' is not supported: use one of {string.Join(", ", allowed)}.", $"{path}.{name}");
        return fallback;
    }

    public IReadOnlyList<string> StringList(JsonElement parent, string path, string name)
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

    public bool ExpectObject(JsonElement value, string path) => Expect(value, path, JsonValueKind.Object);

    public bool Expect(JsonElement value, string path, JsonValueKind kind)
    {
        if (value.ValueKind == kind)
            return true;
        Error(_codes.WrongType, $"{path} must be {Article(kind)}, but it is {Describe(value)}.", path);
        return false;
    }

    /// <param name="at">The path of the value at fault, for its position in the flake.</param>
    public void Error(string code, string message, string? at = null) =>
        _errors.Add(at is not null && positions.Locate(at) is var (located, line, column)
            ? new Diagnostic(code, message, located, line, column)
            : new Diagnostic(code, message, file));

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an attribute set",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => $"a boolean ({value.GetRawText()})",
        JsonValueKind.Null => "null",
        _ => $"{Article(value.ValueKind)} ({Shorten(value.GetRawText())})",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
