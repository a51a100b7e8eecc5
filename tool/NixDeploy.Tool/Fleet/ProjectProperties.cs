using System.Text;
using System.Text.Json;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tool.Fleet;

/// <summary>
/// The values of the properties the tool needs, after evaluating a fleet project with all its layers
/// (Directory.Build.props, the project, the SDK's defaults, fleet.nixdeploy.user), through
/// <c>dotnet msbuild -getProperty</c>. No target runs. Defaults are the SDK's: the tool states none of its own.
/// </summary>
public sealed class ProjectProperties(FleetProject project, IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string>>> items)
{
    public IReadOnlyDictionary<string, string> Values => values;

    /// <summary>The items asked for: each with its Identity and metadata, in MSBuild's order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Items(string name) => items.GetValueOrDefault(name) ?? [];

    /// <summary>A property the SDK always sets; empty only when the project does not use NixDeploy.Sdk.</summary>
    public string Required(string name) => values.GetValueOrDefault(name) is { Length: > 0 } value
        ? value
        : throw new NixDeployException(ErrorCodes.NotAnSdkProject,
            $"{project.Path} has no {name}, which NixDeploy.Sdk always sets: make it a fleet project (<Project Sdk=\"NixDeploy.Sdk\">) or pass the fleet's own with --project.", project.Path);

    /// <summary>A path the SDK always sets, relative to the project folder when not absolute.</summary>
    public string RequiredPath(string name) => project.Resolve(Required(name))!;

    public static async Task<ProjectProperties> ReadAsync(FleetProject project, IReadOnlyList<string> names, CancellationToken cancellationToken,
        IReadOnlyList<string>? itemNames = null)
    {
        var output = new StringBuilder();
        var exitCode = await DotnetCli.RunAsync(project,
            ["msbuild", project.Path, "-nologo", .. names.Select(name => $"-getProperty:{name}"), .. (itemNames ?? []).Select(name => $"-getItem:{name}")],
            line => output.AppendLine(line), cancellationToken);
        var text = output.ToString();
        if (exitCode != 0)
            throw new NixDeployException(BuildDiagnostics.Parse(text).Where(d => d.IsError).Select(d => d.ToDiagnostic()).DefaultIfEmpty(
                new Diagnostic(ErrorCodes.TargetFailed, $"Evaluating {project.Path} failed (exit {exitCode}): {text.Trim()}", project.Path)).ToList());
        try
        {
            using var document = JsonDocument.Parse(text[text.IndexOf('{')..]);
            // With one name, MSBuild prints the bare value instead of JSON; two or more give {"Properties":{...}}.
            var root = document.RootElement;
            return new ProjectProperties(project, Strings(root.GetProperty("Properties")),
                root.TryGetProperty("Items", out var found)
                    ? found.EnumerateObject().ToDictionary(list => list.Name,
                        list => (IReadOnlyList<IReadOnlyDictionary<string, string>>)list.Value.EnumerateArray().Select(Strings).ToList(), StringComparer.Ordinal)
                    : []);
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException or KeyNotFoundException or InvalidOperationException)
        {
            throw new NixDeployException(ErrorCodes.TargetFailed, $"'dotnet msbuild -getProperty' printed something unexpected: {text.Trim()}", project.Path);
        }
    }

    private static Dictionary<string, string> Strings(JsonElement element) =>
        element.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.GetString() ?? "", StringComparer.Ordinal);
}
