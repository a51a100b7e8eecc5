using CliWrap;
using System.Text.Json.Nodes;
using CliWrap.Buffered;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Artifacts;

/// <summary>
/// Real keys for artifact tests, made with the real tools: an admin age identity (age-keygen) and, per machine, an SSH
/// ed25519 host key (ssh-keygen, in a folder outside the project) or the host key of a test host.
/// </summary>
public sealed class ArtifactKeys
{
    private readonly IReadOnlyDictionary<string, string> _hostIdentityFiles;

    private ArtifactKeys(string folder, string adminIdentity, string adminRecipient, IReadOnlyDictionary<string, string> hostKeys, IReadOnlyDictionary<string, string> hostIdentityFiles)
    {
        Folder = folder;
        AdminIdentityFile = adminIdentity;
        AdminRecipient = adminRecipient;
        HostPublicKeys = hostKeys;
        _hostIdentityFiles = hostIdentityFiles;
    }

    public string Folder { get; }

    public string AdminIdentityFile { get; }

    public string AdminRecipient { get; }

    /// <summary>Each machine's "ssh-ed25519 AAAA..." host public key.</summary>
    public IReadOnlyDictionary<string, string> HostPublicKeys { get; }

    /// <summary>The machine's private host key: its age identity.</summary>
    public string HostIdentityFile(string machine) => _hostIdentityFiles[machine];

    public static async Task<ArtifactKeys> CreateAsync(params string[] machines)
    {
        var folder = TestRunDirectory.CreateFolder("keys");
        var hostKeys = new Dictionary<string, string>();
        foreach (var machine in machines)
        {
            await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", Path.Combine(folder, machine));
            hostKeys[machine] = Path.Combine(folder, machine);
        }
        return await WithHostKeysAsync(folder, hostKeys);
    }

    /// <param name="hostIdentityFiles">Each machine's private host key file, e.g. a test host's DIR/hostI/ssh_host_ed25519_key.</param>
    public static async Task<ArtifactKeys> WithHostKeysAsync(string folder, IReadOnlyDictionary<string, string> hostIdentityFiles)
    {
        var admin = Path.Combine(folder, "admin.age");
        await RunAsync("age-keygen", "-o", admin);
        var recipient = (await RunAsync("age-keygen", "-y", admin)).Trim();
        var publicKeys = hostIdentityFiles.ToDictionary(
            pair => pair.Key,
            pair => string.Join(' ', File.ReadAllText(pair.Value + ".pub").Trim().Split(' ').Take(2)));
        return new ArtifactKeys(folder, admin, recipient, publicKeys, hostIdentityFiles);
    }

    /// <summary>The admin key, and as each machine's host key the SSH host key of the test host at its address.</summary>
    public static async Task<ArtifactKeys> OfTestHostsAsync(TestHosts hosts, params (string Machine, string Address)[] machines)
    {
        var hostsJson = JsonNode.Parse(File.ReadAllText(Path.Combine(hosts.Directory, "hosts.json")))!.AsArray();
        var identities = machines.ToDictionary(
            m => m.Machine,
            m => Path.Combine(hostsJson.Single(h => h!["addr"]!.GetValue<string>() == m.Address)!["dir"]!.GetValue<string>(), "ssh_host_ed25519_key"));
        return await WithHostKeysAsync(TestRunDirectory.CreateFolder("keys"), identities);
    }

    /// <summary>The same keys, with <paramref name="machine"/>'s public key replaced (its identity stays).</summary>
    public ArtifactKeys WithPublicKey(string machine, string publicKey) =>
        new(Folder, AdminIdentityFile, AdminRecipient, new Dictionary<string, string>(HostPublicKeys) { [machine] = publicKey }, _hostIdentityFiles);

    /// <summary><c>age -d</c> with <paramref name="identityFile"/>: the plaintext, or null when it is not a recipient.</summary>
    public static async Task<string?> DecryptAsync(string identityFile, string file)
    {
        var result = await Cli.Wrap("age").WithArguments(["-d", "-i", identityFile, file]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return result.ExitCode == 0 ? result.StandardOutput : null;
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var result = await Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }
}
