using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NixDeploy.Blueprint;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Auth;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Api;

/// <summary><c>/api/v1/tokens</c> (admin): list tokens (never their secrets), create one (its secret shown once), revoke one.</summary>
public static class TokenEndpoints
{
    public const int MaxNameLength = 100;

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = Names.Of(TokenRole.Admin);
        app.MapGet(ControlPlaneRoutes.Tokens, (IControlPlaneStore store) => Results.Json(store.Tokens(), ControlPlaneJsonContext.Default.IReadOnlyListTokenInfo))
            .RequireAuthorization(admin)
            .Produces<IReadOnlyList<TokenInfo>>();

        app.MapPost(ControlPlaneRoutes.Tokens, (HttpContext context, TokenService tokens) => CodedErrors.AnswerAsync(async () =>
            {
                var request = Parse(await RequestBody.ReadAsync(context.Request, context.RequestAborted));
                var created = tokens.Create(request.Role, request.Name);
                context.Response.Headers.Location = ControlPlaneRoutes.Token(created.Id);
                return Results.Json(created, ControlPlaneJsonContext.Default.TokenCreated, statusCode: StatusCodes.Status201Created);
            }))
            .RequireAuthorization(admin)
            .Produces<TokenCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        app.MapDelete(ControlPlaneRoutes.Tokens + "/{id}", (string id, TokenService tokens) =>
                tokens.Revoke(id) ? Results.NoContent() : CodedErrors.NotFound($"Token '{id}'"))
            .RequireAuthorization(admin)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static TokenRequest Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                throw Invalid("it is not a JSON object with a role");
            var name = root.TryGetProperty("name", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var parsed = Names.RoleOrNull(role.GetString()!) ?? throw Invalid($"the role {Identifiers.Show(role.GetString()!)} is not read, ci, operator or admin");
            if (parsed == TokenRole.Machine)
                throw new NixDeployException(ErrorCodes.MachineTokenRole,
                    $"A machine token is bound to one machine: create it with POST {ControlPlaneRoutes.Machines}/NAME/token (or 'dotnet nixdeploy machine add NAME --server URL').");
            return new TokenRequest(parsed, RequireName(name));
        }
        catch (JsonException e)
        {
            throw Invalid($"it is not JSON: {e.Message}");
        }
    }

    /// <summary>A token's name as the API and <c>serve token create</c> take it: 1 to 100 characters, no control characters.</summary>
    public static string RequireName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && !name.Any(char.IsControl)
            ? name
            : throw Invalid($"its name {Identifiers.Show(name ?? "")} is not 1 to {MaxNameLength} characters without control characters");

    private static NixDeployException Invalid(string why) => new(ErrorCodes.RequestMalformed,
        $"The request body cannot be used ({why}): send {{\"role\": \"read|ci|operator|admin\", \"name\": \"what the token is for\"}}.");
}
