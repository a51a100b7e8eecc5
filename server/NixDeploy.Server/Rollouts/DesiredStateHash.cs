using System.Security.Cryptography;
using System.Text.Json;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// What makes two deployments the same: a SHA-256 over the desired state in a canonical form (keys sorted, no
/// whitespace), taken from the fields that say what should run where. The change markers (<c>changed</c>,
/// <c>changes</c>) and the commit are not part of it: the same closures built again are the same deployment.
/// </summary>
public static class DesiredStateHash
{
    /// <summary>The top-level fields of deployment.json that are desired state; the blueprint counts only by each machine's deployment.</summary>
    private static readonly string[] Fields = ["closures", "artifacts", "ageIdentities", "caches", "policy", "vms", "workloads"];

    public static string Of(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (root.TryGetProperty("blueprint", out var blueprint) && blueprint.ValueKind == JsonValueKind.Object)
            {
                writer.WriteStartObject("deployments");
                foreach (var machine in blueprint.EnumerateObject().OrderBy(machine => machine.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(machine.Name);
                    if (machine.Value.ValueKind == JsonValueKind.Object && machine.Value.TryGetProperty("deployment", out var deployment))
                        WriteCanonical(writer, deployment);
                    else
                        writer.WriteNullValue();
                }
                writer.WriteEndObject();
            }
            foreach (var field in Fields)
            {
                if (!root.TryGetProperty(field, out var value))
                    continue;
                writer.WritePropertyName(field);
                WriteCanonical(writer, value);
            }
            writer.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(property => property.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                    WriteCanonical(writer, item);
                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
