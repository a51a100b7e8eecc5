using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using NixDeploy.ControlPlane;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Auth;

/// <summary>One authorization policy per role, named as the role: a token passes with that role or a higher one.</summary>
public static class RolePolicies
{
    public static void Add(AuthorizationOptions options)
    {
        foreach (var role in Enum.GetValues<TokenRole>())
            options.AddPolicy(Names.Of(role), policy => policy
                .AddAuthenticationSchemes(BearerTokenHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => BearerTokenHandler.RoleOf(context.User) >= role));
    }

    /// <summary>The role the request's endpoint needs, for the 403's message.</summary>
    public static string Needed(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).LastOrDefault(policy => policy is not null) ?? "admin";
}
