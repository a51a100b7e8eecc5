using System.Text;
using System.Text.Json;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tool.Fleet;

/// <summary>
/// Evaluates a fleet project (all its layers: Directory.Build.props, the project, fleet.nixdeploy.user) and returns
/// the values of the properties the tool needs, through <c>dotnet msbuild -getProperty</c>. No target runs.
/// </summary>
public static class ProjectProperties
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(FleetProject project, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var exitCode = await DotnetCli.RunAsync(project,
            ["msbuild", project.Path, "-nologo", .. names.Select(name => $"-getProperty:{name}")],
            line => output.AppendLine(line), cancellationToken);
        var text = output.ToString();
        if (exitCode != 0)
            throw new NixDeployException(BuildDiagnostics.Parse(text).Where(d => d.IsError).Select(d => d.ToDiagnostic()).DefaultIfEmpty(
                new Diagnostic(ErrorCodes.TargetFailed, $"Evaluating {project.Path} failed (exit {exitCode}): {text.Trim()}", project.Path)).ToList());
        try
        {
            using var document = JsonDocument.Parse(text[text.IndexOf('{')..]);
            // With one name, MSBuild prints the bare value instead of JSON; two or more give {"Properties":{...}}.
            return document.RootElement.GetProperty("Properties").EnumerateObject()
                .ToDictionary(property => property.Name, property => property.Value.GetString() ?? "", StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException or KeyNotFoundException)
        {
            throw new NixDeployException(ErrorCodes.TargetFailed, $"'dotnet msbuild -getProperty' printed something unexpected: {text.Trim()}", project.Path);
        }
    }
}
