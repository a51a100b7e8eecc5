using System.ComponentModel;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;

namespace NixDeploy.Cache;

/// <summary>
/// Uploads closures with <c>attic push SERVER:CACHE PATHS</c>; Attic works out what the cache lacks and signs on
/// the server. With a TokenEnvironmentVariable, the token is handed to attic in a private config file that lives
/// only for the call, never on a command line.
/// </summary>
public sealed class AtticUploader(ProcessRunner runner, string executable = "attic")
{
    public async Task<UploadAttempt> UploadAsync(CacheDefinition cache, IReadOnlyCollection<string> roots, string? file, CancellationToken cancellationToken)
    {
        if (!ProcessRunner.CanFind(executable))
            throw new NixDeployException(ErrorCodes.AtticMissing,
                $"NixDeployCache {cache} needs the Attic client, but '{executable}' is not on PATH. Install it (the attic-client package, see https://docs.attic.rs), or remove the attic: cache.", file);
        var server = cache.Url.Split(':')[1];
        var configHome = cache.TokenEnvironmentVariable is { } variable ? WriteTokenConfig(cache, server, variable, file) : null;
        try
        {
            var environment = configHome is null ? null : new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = configHome };
            var result = await runner.RunAsync(executable, ["push", cache.Url["attic:".Length..], .. roots], environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
            // attic prints what it uploaded in its own words; the paths are not listed one by one.
            return result.Succeeded
                ? new UploadAttempt(true, [])
                : new UploadAttempt(false, [], FailureText.Condense(result.StandardError + result.StandardOutput));
        }
        catch (Win32Exception)
        {
            throw new NixDeployException(ErrorCodes.AtticMissing, $"'{executable}' could not be started: install the Attic client, or remove the attic: cache {cache}.", file);
        }
        finally
        {
            if (configHome is not null)
                Directory.Delete(configHome, recursive: true);
        }
    }

    private static string WriteTokenConfig(CacheDefinition cache, string server, string variable, string? file)
    {
        var token = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(token))
            throw new NixDeployException(ErrorCodes.CacheCredentialMissing,
                $"NixDeployCache {cache} reads its Attic token from the environment variable {variable}, which is not set. Set it in the build's environment (a CI secret).", file);
        if (token.IndexOfAny(['"', '\\', '\n', '\r']) >= 0)
            throw new NixDeployException(ErrorCodes.CacheCredentialMissing,
                $"The Attic token in {variable} contains a quote, backslash or line break, which no Attic token has: check the variable.", file);
        // CreateTempSubdirectory makes the folder 0700 on Unix: nobody else can read the token file inside it.
        var home = Directory.CreateTempSubdirectory("nixdeploy-attic-").FullName;
        Directory.CreateDirectory(Path.Combine(home, "attic"));
        File.WriteAllText(Path.Combine(home, "attic", "config.toml"),
            $"default-server = \"{server}\"\n\n[servers.\"{server}\"]\nendpoint = \"{cache.AtticEndpoint}\"\ntoken = \"{token}\"\n");
        return home;
    }
}
