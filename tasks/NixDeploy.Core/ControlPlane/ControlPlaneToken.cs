using NixDeploy.Diagnostics;

namespace NixDeploy.ControlPlane;

/// <summary>
/// Where a client's bearer token comes from: a file, or an environment variable named by <see cref="Variable"/>;
/// never a value in the project or on a command line. The secret is read only by <see cref="Read"/> and no message
/// here ever carries it.
/// </summary>
/// <param name="File">A file holding the token (surrounding whitespace ignored); relative to the project's folder.</param>
/// <param name="Variable">The NAME of an environment variable holding the token.</param>
public sealed record ControlPlaneToken(string? File, string? Variable)
{
    private const string Settings = "NixDeployControlPlaneTokenFile (--token-file) or NixDeployControlPlaneTokenVariable (--token-env)";

    /// <summary>The token's text; <paramref name="settingsFile"/> is blamed for a missing or unusable one.</summary>
    public string Read(string? settingsFile)
    {
        var file = Blank(File);
        var variable = Blank(Variable);
        if (file is not null && variable is not null)
            throw new NixDeployException(ErrorCodes.ControlPlaneTokenMissing,
                $"The control plane token is given twice, as the file '{file}' and as the environment variable '{variable}': set only one of {Settings}.", settingsFile);
        if (file is not null)
            return Checked(ReadFile(file, settingsFile), $"The token file '{file}'", settingsFile);
        if (variable is not null)
            return Checked(Environment.GetEnvironmentVariable(variable),
                $"The environment variable '{variable}' (NixDeployControlPlaneTokenVariable names it)", settingsFile);
        throw new NixDeployException(ErrorCodes.ControlPlaneTokenMissing,
            $"The control plane needs a bearer token: set {Settings}. Create one with 'dotnet nixdeploy serve token create --role ci' on the server.", settingsFile);
    }

    private static string? ReadFile(string path, string? settingsFile)
    {
        var full = Path.GetFullPath(path, Path.GetDirectoryName(settingsFile) is { Length: > 0 } folder ? folder : Environment.CurrentDirectory);
        try
        {
            return System.IO.File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NixDeployException(ErrorCodes.ControlPlaneTokenUnreadable,
                $"The token file '{full}' cannot be read ({e.GetType().Name}): write the token there, or point NixDeployControlPlaneTokenFile (--token-file) at the file that holds it.", settingsFile);
        }
    }

    // A bearer token is one HTTP header word: anything else would be refused by the header parser, whose message
    // would quote it.
    private static string Checked(string? value, string source, string? settingsFile)
    {
        var token = value?.Trim();
        if (string.IsNullOrEmpty(token))
            throw new NixDeployException(ErrorCodes.ControlPlaneTokenUnreadable, $"{source} is empty or not set: put the control plane token there.", settingsFile);
        if (token.Any(c => c is < '!' or > '~'))
            throw new NixDeployException(ErrorCodes.ControlPlaneTokenUnreadable,
                $"{source} holds more than one token (spaces, line breaks or non-ASCII characters): it must hold only the token that 'serve token create' printed.", settingsFile);
        return token;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
