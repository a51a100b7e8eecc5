using System.CommandLine;
using NixDeploy.ControlPlane;
using NixDeploy.Tool.Cli;

namespace NixDeploy.Tool.Fleet;

/// <summary>
/// <c>--server URL</c> with <c>--token-file PATH</c> or <c>--token-env NAME</c>, the options of every command that can
/// ask the control plane instead of the hosts. Without a token option the token setting is the project's
/// (NixDeployControlPlaneTokenFile, NixDeployControlPlaneTokenVariable).
/// </summary>
public sealed class ServerOptions
{
    private static readonly string[] TokenProperties = ["NixDeployControlPlaneTokenFile", "NixDeployControlPlaneTokenVariable"];

    private readonly Option<string?> _server = ToolOptions.Server();
    private readonly Option<string?> _tokenFile = ToolOptions.TokenFile();
    private readonly Option<string?> _tokenVariable = ToolOptions.TokenEnvironmentVariable();

    public void AddTo(Command command)
    {
        command.Add(_server);
        command.Add(_tokenFile);
        command.Add(_tokenVariable);
    }

    /// <summary>The --server URL, or null when the command works on the hosts.</summary>
    public string? Server(ParseResult parse) => parse.GetValue(_server);

    /// <summary>The token setting as the options give it (a file made absolute), or null when they give none.</summary>
    public ControlPlaneToken? Token(ParseResult parse) =>
        (parse.GetValue(_tokenFile), parse.GetValue(_tokenVariable)) is var (file, variable) && (file is not null || variable is not null)
            ? new ControlPlaneToken(file is null ? null : Path.GetFullPath(file), variable)
            : null;

    /// <summary>A client of the --server control plane, with the token from the options or else from the project.</summary>
    public async Task<ControlPlaneClient> ConnectAsync(ParseResult parse, Func<FleetProject> project, CancellationToken cancellationToken)
    {
        var server = ControlPlaneClient.ParseUrl(Server(parse), null);
        if (Token(parse) is { } token)
            return ControlPlaneClient.Create(server, token.Read(null), null);
        var fleet = project();
        var properties = await ProjectProperties.ReadAsync(fleet, TokenProperties, cancellationToken);
        return ControlPlaneClient.Create(server,
            new ControlPlaneToken(fleet.Resolve(properties.Values.GetValueOrDefault(TokenProperties[0])), properties.Values.GetValueOrDefault(TokenProperties[1])).Read(fleet.Path),
            fleet.Path);
    }

    /// <summary>The properties that make the Deploy target go through the control plane with this token setting.</summary>
    public IReadOnlyDictionary<string, string> DeployProperties(ParseResult parse)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["NixDeployControlPlane"] = Server(parse)! };
        // Given on the command line, the token setting replaces both of the project's, so it is never given twice.
        if (Token(parse) is { } token)
        {
            properties[TokenProperties[0]] = token.File ?? "";
            properties[TokenProperties[1]] = token.Variable ?? "";
        }
        return properties;
    }
}
