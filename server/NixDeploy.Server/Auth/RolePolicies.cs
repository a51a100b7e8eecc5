using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using NixDeploy.ControlPlane;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Auth;

/// <summary>
/// One authorization policy per role, named as the role: a token passes with that role or a higher one. A
/// <c>machine</c> token passes none of them, only the policies that name it: <see cref="OwnMachine"/> (the route's
/// <c>{name}</c> is its machine), <see cref="OwnMachineOrRead"/> and <see cref="CacheRead"/>.
/// </summary>
public static class RolePolicies
{
    public const string OwnMachine = "own-machine";
    public const string OwnMachineOrRead = "own-machine-or-read";
    public const string CacheRead = "cache-read";

    private static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [OwnMachine] = "the machine token of the machine it names",
        [OwnMachineOrRead] = "the machine token of the machine it names, or the role 'read' or a higher one",
        [CacheRead] = "a machine token or the role 'read' or a higher one",
    };

    public static void Add(AuthorizationOptions options)
    {
        foreach (var role in Enum.GetValues<TokenRole>().Where(role => role != TokenRole.Machine))
            Policy(options, Names.Of(role), context => BearerTokenHandler.RoleOf(context.User) >= role);
        Policy(options, OwnMachine, IsOwnMachine);
        Policy(options, OwnMachineOrRead, context => IsOwnMachine(context) || BearerTokenHandler.RoleOf(context.User) >= TokenRole.Read);
        Policy(options, CacheRead, context => BearerTokenHandler.RoleOf(context.User) is TokenRole.Machine || BearerTokenHandler.RoleOf(context.User) >= TokenRole.Read);
    }

    /// <summary>What the request's endpoint needs, for the 403's message.</summary>
    public static string Needed(HttpContext context)
    {
        var policy = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).LastOrDefault(policy => policy is not null) ?? "admin";
        return Descriptions.TryGetValue(policy, out var description) ? description : $"the role '{policy}' or a higher one";
    }

    private static void Policy(AuthorizationOptions options, string name, Func<AuthorizationHandlerContext, bool> assertion) =>
        options.AddPolicy(name, policy => policy
            .AddAuthenticationSchemes(BearerTokenHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(assertion));

    private static bool IsOwnMachine(AuthorizationHandlerContext context) =>
        BearerTokenHandler.RoleOf(context.User) is TokenRole.Machine
        && context.Resource is HttpContext http
        && http.Request.RouteValues.TryGetValue("name", out var name)
        && name is string machine
        && machine == BearerTokenHandler.MachineOf(context.User);
}
