using Microsoft.Build.Framework;
using NixDeploy.Artifacts.Prompts;

namespace NixDeploy.Tasks;

/// <summary>@(NixDeployArtifactPrompt) as the core's prompt source: each item names a file or an environment variable, never a value.</summary>
internal static class ArtifactPromptItems
{
    /// <param name="project">The project: named in errors, and relative File paths are relative to its folder.</param>
    public static ConfiguredPromptSource Source(ITaskItem[] items, string? project) => new(
        items.Select(item => new PromptAnswerSource(item.ItemSpec, FullPath(NullIfEmpty(item.GetMetadata("File")), project), NullIfEmpty(item.GetMetadata("EnvironmentVariable")))),
        project);

    private static string? FullPath(string? file, string? project) =>
        file is null || string.IsNullOrEmpty(project) ? file : Path.GetFullPath(file, Path.GetDirectoryName(Path.GetFullPath(project))!);

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
