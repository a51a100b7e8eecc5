using System.Text;
using NixDeploy.Artifacts;
using Spectre.Console;

namespace NixDeploy.Tool.Artifacts;

/// <summary>
/// Asks a generator's prompts on the terminal: <c>hidden</c> ones without echo, <c>multiline</c> ones until a line
/// with a single dot. Without a terminal it has no answers, so the queue fails with ND6007 instead of waiting.
/// </summary>
public sealed class TerminalPromptSource(IAnsiConsole console, bool interactive) : IPromptSource
{
    public Task<string?> AnswerAsync(ArtifactKey artifact, PromptDeclaration prompt, CancellationToken cancellationToken)
    {
        if (!interactive || Console.IsInputRedirected)
            return Task.FromResult<string?>(null);
        var question = $"{Markup.Escape(artifact.ToString())}: {Markup.Escape(prompt.Description)}";
        if (prompt.Type == PromptType.Multiline)
        {
            console.MarkupLine($"{question} [grey](end with a line holding only '.')[/]");
            var text = new StringBuilder();
            while (Console.ReadLine() is { } line && line != ".")
                text.Append(line).Append('\n');
            return Task.FromResult<string?>(text.ToString());
        }
        var ask = new TextPrompt<string>(question).AllowEmpty();
        if (prompt.Type == PromptType.Hidden)
            ask.Secret();
        return Task.FromResult<string?>(console.Prompt(ask));
    }

    public string HowToAnswer(ArtifactKey artifact, PromptDeclaration prompt) =>
        $"run 'dotnet nixdeploy artifacts generate' in a terminal to be asked, or answer it in the project with <NixDeployArtifactPrompt Include=\"{artifact}/{prompt.Name}\" File=\"PATH\" /> (or EnvironmentVariable=\"NAME\") and build";
}
