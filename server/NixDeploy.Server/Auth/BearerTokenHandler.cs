using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Http;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer ndt_...</c> (or HTTP Basic with the token as the password, for the binary
/// cache) against the store. A missing, unknown or revoked token is
/// answered 401 with <c>WWW-Authenticate: Bearer</c> (<c>Basic</c> under /cache), a token without the role 403, both as problem+json. The
/// header's value is never logged.
/// </summary>
public sealed class BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string RoleClaim = "nixdeploy-role";
    public const string MachineClaim = "nixdeploy-machine";

    // Nix sends a netrc file's login as HTTP Basic: the binary cache takes the token as the password.
    private const string BasicChallenge = "Basic realm=\"nixdeploy cache\"";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var secret = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim()
            : header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? BasicPassword(header["Basic ".Length..].Trim())
            : null;
        if (secret is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (tokens.Authenticate(secret) is not { } token)
            return Task.FromResult(AuthenticateResult.Fail("unknown or revoked token"));
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, token.Id), new(ClaimTypes.Name, token.Name), new(RoleClaim, ((int)token.Role).ToString(CultureInfo.InvariantCulture))];
        if (token.Machine is not null)
            claims.Add(new Claim(MachineClaim, token.Machine));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var cache = Request.Path.StartsWithSegments(ControlPlaneRoutes.Cache);
        Response.Headers[HeaderNames.WWWAuthenticate] = cache ? BasicChallenge : SchemeName;
        return Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated,
            (cache ? "The binary cache needs a token as the HTTP Basic password (Nix's netrc-file: 'machine HOST login nixdeploy password TOKEN')" : "A bearer token is required: send 'Authorization: Bearer TOKEN'")
            + " with a token that is not revoked (an admin creates them; the first with 'dotnet nixdeploy serve token create').");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
            $"This token may not do this: {Context.Request.Method} {Context.Request.Path} needs {RolePolicies.Needed(Context)}.");

    /// <summary>The password of an HTTP Basic header's <c>user:password</c>, or null when it is not one.</summary>
    private static string? BasicPassword(string encoded)
    {
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = pair.IndexOf(':');
            return colon >= 0 ? pair[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The role of an authenticated request.</summary>
    public static TokenRole? RoleOf(ClaimsPrincipal user) =>
        user.FindFirst(RoleClaim)?.Value is { } value ? (TokenRole)int.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The machine a <c>machine</c> token is bound to.</summary>
    public static string? MachineOf(ClaimsPrincipal user) => user.FindFirst(MachineClaim)?.Value;
}
