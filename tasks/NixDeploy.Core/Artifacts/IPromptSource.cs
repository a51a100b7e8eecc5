namespace NixDeploy.Artifacts;

/// <summary>
/// Answers an artifact's prompts when its generator must run. MSBuild and CI use <see cref="ConfiguredPromptSource"/>
/// (files and environment variables named by configuration); the tool asks on the terminal, hiding hidden input.
/// </summary>
public interface IPromptSource
{
    /// <summary>The answer, or null when this source has none (the queue then fails with ND6007 naming the prompt).</summary>
    Task<string?> AnswerAsync(ArtifactKey artifact, PromptDeclaration prompt, CancellationToken cancellationToken);

    /// <summary>How to supply an answer this source did not have, for the ND6007 message.</summary>
    string HowToAnswer(ArtifactKey artifact, PromptDeclaration prompt);
}
