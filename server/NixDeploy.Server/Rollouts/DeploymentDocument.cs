using System.Text;
using System.Text.Json;
using NixDeploy.Blueprint;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// A posted deployment.json, checked before anything is stored: JSON, a schema version this server reads, every
/// closure a store path, every machine name and address as safe as the blueprint's (the same validators).
/// </summary>
public sealed record DeploymentDocument(string Text, DeploymentManifest Manifest, string DesiredState)
{
    private const string Source = "deployment.json (the request body)";

    public static DeploymentDocument Parse(ReadOnlyMemory<byte> body)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.Span);
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number)
                throw Malformed("it is not a JSON object with a numeric schemaVersion");
            if (!version.TryGetInt32(out var number) || !DeploymentManifest.IsReadable(number))
                throw new NixDeployException(ErrorCodes.DeploymentSchemaUnknown,
                    $"{Source} has schemaVersion {version.GetRawText()}, which this server does not read (it reads {string.Join(", ", DeploymentManifest.ReadableSchemaVersions)}). Post it with the SDK that matches this server, or update the server.");
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw Malformed(e.Message);
        }
        DeploymentManifest? manifest;
        try
        {
            manifest = ManifestText.Deserialize(text);
        }
        catch (JsonException e)
        {
            throw Malformed(e.Message);
        }
        if (manifest is not { Blueprint: not null, Closures: not null })
            throw Malformed("it has no blueprint or no closures");
        Validate(manifest);
        // The rollout's policy is refused here, as a bad request, not when the rollout starts.
        DeploySettings.FromPolicy(manifest.Policy, new SshOptions(null, null), Source);
        return new DeploymentDocument(text, manifest, DesiredStateHash.Of(text));
    }

    private static void Validate(DeploymentManifest manifest)
    {
        var errors = new List<Diagnostic>();
        foreach (var (machine, spec) in manifest.Blueprint)
        {
            if (!Identifiers.IsMachineName(machine))
            {
                errors.Add(new Diagnostic(ErrorCodes.UnsafeMachineName,
                    $"Machine name {Identifiers.Show(machine)} in {Source} is not allowed: use letters, digits, '-' and '_' (at most 63, starting with a letter or digit)."));
                continue;
            }
            if (spec?.Deployment is not { } deployment)
            {
                errors.Add(Malformed($"machine '{machine}' has no deployment").Diagnostics[0]);
                continue;
            }
            // A pull machine's addr may be empty: nothing connects to it.
            var address = deployment.IsPull && string.IsNullOrEmpty(deployment.Addr) ? null : deployment.Addr ?? "";
            errors.AddRange(SshEndpointValidator.Check(SshEndpointValidator.Fields.Blueprint(machine), address, deployment.SshUser ?? "",
                deployment.SshPort.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        }
        foreach (var (machine, closure) in manifest.Closures)
        {
            if (!manifest.Blueprint.ContainsKey(machine))
                errors.Add(Malformed($"closures names '{Identifiers.Show(machine)}', which is not in its blueprint").Diagnostics[0]);
            else if (closure is null || !StorePath.IsValid(closure))
                errors.Add(new Diagnostic(ErrorCodes.DeploymentClosureInvalid,
                    $"The closure of '{machine}' in {Source} is {Identifiers.Show(closure ?? "null")}, not a Nix store path (/nix/store/HASH-NAME): post the deployment.json a build wrote."));
        }
        if (errors.Count > 0)
            throw new NixDeployException(errors);
    }

    private static NixDeployException Malformed(string why) => new(ErrorCodes.RequestMalformed,
        $"{Source} cannot be read ({why}): post the deployment.json a build wrote (bin/nixdeploy/deployment.json).");
}
