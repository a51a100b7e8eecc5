using System.ComponentModel;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Artifacts.Backends;

/// <summary>The <c>age</c> command line on the deployer, which only ever encrypts: hosts decrypt with their own keys.</summary>
public sealed class AgeCli(ProcessRunner runner, string executable = "age")
{
    public string Executable { get; } = executable;

    /// <summary>Encrypts <paramref name="input"/> to every recipient into <paramref name="output"/>, ASCII-armored so it diffs as text.</summary>
    public async Task EncryptAsync(IReadOnlyList<string> recipients, string input, string output, string what, CancellationToken cancellationToken)
    {
        var result = await RunAsync([.. EncryptArguments(recipients), "--output", output, input], null, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw EncryptFailed(what, result);
    }

    /// <summary>Encrypts a file to the recipients, returning the ASCII-armored ciphertext (nothing is written).</summary>
    public async Task<string> EncryptFileAsync(IReadOnlyList<string> recipients, string input, string what, CancellationToken cancellationToken)
    {
        var result = await RunAsync([.. EncryptArguments(recipients), input], null, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result.StandardOutput : throw EncryptFailed(what, result);
    }

    /// <summary>Encrypts text given through stdin (never as an argument), returning the ASCII-armored ciphertext.</summary>
    public async Task<string> EncryptTextAsync(IReadOnlyList<string> recipients, string plaintext, string what, CancellationToken cancellationToken)
    {
        var result = await RunAsync(EncryptArguments(recipients), plaintext, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result.StandardOutput : throw EncryptFailed(what, result);
    }

    private static List<string> EncryptArguments(IReadOnlyList<string> recipients)
    {
        var arguments = new List<string> { "--encrypt", "--armor" };
        foreach (var recipient in recipients)
            arguments.AddRange(["--recipient", recipient]);
        return arguments;
    }

    private static NixDeployException EncryptFailed(string what, ProcessResult result) => new(ErrorCodes.ArtifactSerializeFailed,
        $"Encrypting {what} with age failed: {NixMessages.Trim(result.StandardError)} Check the recipients in artifacts.config.age.");

    private async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, string? standardInput, CancellationToken cancellationToken)
    {
        try
        {
            return await runner.RunAsync(Executable, arguments, standardInput: standardInput, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception)
        {
            throw new NixDeployException(ErrorCodes.AgeMissing,
                $"age was not found ('{Executable}'): install it (on Debian: 'apt-get install age'; elsewhere see https://age-encryption.org), or set NixDeployAgeExecutable to its path.");
        }
    }
}
