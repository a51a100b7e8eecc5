namespace NixDeploy.Artifacts.Prompts;

/// <summary>
/// Where one prompt's answer is in CI: a file, or an environment variable, named (never given) by configuration.
/// <see cref="Key"/> is <c>MACHINE/ARTIFACT/PROMPT</c>, <c>shared/ARTIFACT/PROMPT</c>, or <c>ARTIFACT/PROMPT</c> for every machine.
/// </summary>
public sealed record PromptAnswerSource(string Key, string? File, string? EnvironmentVariable);
