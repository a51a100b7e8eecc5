using NixDeploy.Diagnostics;

namespace NixDeploy.Artifacts.Prompts;

/// <summary>
/// Prompt answers for unattended runs, read only when a generator needs them: from the file or environment variable
/// each <see cref="PromptAnswerSource"/> names. It never reads stdin.
/// </summary>
public sealed class ConfiguredPromptSource : IPromptSource
{
    private readonly Dictionary<string, PromptAnswerSource> _sources;
    private readonly string? _configurationFile;

    /// <param name="configurationFile">Where the sources are configured (the project), named in errors.</param>
    public ConfiguredPromptSource(IEnumerable<PromptAnswerSource> sources, string? configurationFile)
    {
        _configurationFile = configurationFile;
        _sources = new Dictionary<string, PromptAnswerSource>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (string.IsNullOrEmpty(source.File) == string.IsNullOrEmpty(source.EnvironmentVariable))
                throw new NixDeployException(ErrorCodes.ArtifactPromptMissing,
                    $"The prompt answer '{source.Key}' needs exactly one of File and EnvironmentVariable, e.g. <NixDeployArtifactPrompt Include=\"{source.Key}\" EnvironmentVariable=\"MY_SECRET\" />.", configurationFile);
            _sources[source.Key] = source;
        }
    }

    public Task<string?> AnswerAsync(ArtifactKey artifact, PromptDeclaration prompt, CancellationToken cancellationToken)
    {
        if (!_sources.TryGetValue($"{artifact}/{prompt.Name}", out var source) && !_sources.TryGetValue($"{artifact.Name}/{prompt.Name}", out source))
            return Task.FromResult<string?>(null);
        if (!string.IsNullOrEmpty(source.EnvironmentVariable))
        {
            var value = Environment.GetEnvironmentVariable(source.EnvironmentVariable);
            if (value is null)
                throw new NixDeployException(ErrorCodes.ArtifactPromptMissing,
                    $"The prompt '{prompt.Name}' of {artifact} is answered by the environment variable {source.EnvironmentVariable}, which is not set: set it (e.g. from a CI secret).", _configurationFile);
            return Task.FromResult<string?>(value);
        }
        if (!File.Exists(source.File))
            throw new NixDeployException(ErrorCodes.ArtifactPromptMissing,
                $"The prompt '{prompt.Name}' of {artifact} is answered by the file '{source.File}', which does not exist: create it, or point NixDeployArtifactPrompt '{source.Key}' at the right file.", _configurationFile);
        return Task.FromResult<string?>(File.ReadAllText(source.File!));
    }

    public string HowToAnswer(ArtifactKey artifact, PromptDeclaration prompt) =>
        $"add <NixDeployArtifactPrompt Include=\"{artifact}/{prompt.Name}\" File=\"PATH\" /> or EnvironmentVariable=\"NAME\" to the project, or run 'dotnet nixdeploy artifacts generate' in a terminal to be asked";
}
