using System.Text;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Host;
using NixDeploy.Processes;
using NixDeploy.Ssh;

namespace NixDeploy.Artifacts.Delivery;

/// <summary>
/// The deploy step that places a machine's artifact files before activation, in one SSH session: secrets arrive as
/// age ciphertext and are decrypted on the host with its SSH host key (agenix-style), so the deployer needs no key and
/// no plaintext is on its disk or in any log. Files go outside the Nix store, atomically; the files they replace are
/// kept on the host, and any rollback of the deploy (the host's watchdog's) puts them back. The files come from
/// <paramref name="source"/>: the repository, or deployment.json alone.
/// </summary>
public sealed class ArtifactPlacement(IHostFileSource source, string hostAgeExecutable = "age") : IPreActivationStep
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public string Name => "artifacts";

    public async Task<bool> RunAsync(MachinePlan plan, SshClient ssh, CancellationToken cancellationToken)
    {
        if (await source.ForMachineAsync(plan.Name, cancellationToken).ConfigureAwait(false) is not { } machine)
            return false;
        var input = new StringBuilder();
        foreach (var file in machine.Files)
            input.Append($"{(file.Kind == HostFileKind.Age ? "age" : "plain")} {file.Path} {file.Owner} {file.Group} {file.Mode} {Convert.ToBase64String(file.Payload)}\n");

        ProcessResult placed;
        try
        {
            placed = await ssh.RunAsync(HostProgram.Placement.Command(ssh.Target, [machine.IdentityFile, hostAgeExecutable]),
                $"nixdeploy-artifacts ({machine.Files.Count} file(s) of {string.Join(", ", machine.Artifacts)})",
                Timeout, cancellationToken, standardInput: input.ToString()).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new NixDeployException(ErrorCodes.HostUnreachable, $"{ssh.Target} stopped answering while its artifacts were placed: {e.Message}");
        }
        if (placed.ExitCode == SshClient.UnreachableExitCode)
            throw ssh.Unreachable(placed);
        if (!placed.Succeeded)
            throw new NixDeployException(ErrorCodes.ArtifactPlacementFailed,
                $"Placing the artifacts of {plan.Name} failed, so it was not activated; its previous files are unchanged: {OneLine(placed.StandardError)}");
        return true;
    }

    // One line, so that build logs show one error; age's "report unexpected errors" footer is no help here.
    private static string OneLine(string stderr) => string.Join(" / ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(line => !line.Contains("filippo.io/age/report", StringComparison.Ordinal)));
}
