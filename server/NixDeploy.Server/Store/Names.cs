using NixDeploy.ControlPlane;

namespace NixDeploy.Server.Store;

/// <summary>Roles and statuses as the store and the API write them: the lower-case names of their JSON.</summary>
public static class Names
{
    public static string Of(TokenRole role) => role.ToString().ToLowerInvariant();

    public static string Of(DeploymentStatus status) => status.ToString().ToLowerInvariant();

    public static TokenRole Role(string name) => Enum.Parse<TokenRole>(name, ignoreCase: true);

    /// <summary>The role named exactly as the API writes it, or null.</summary>
    public static TokenRole? RoleOrNull(string name) =>
        Enum.GetValues<TokenRole>().Cast<TokenRole?>().FirstOrDefault(role => Of(role!.Value) == name);

    public static DeploymentStatus Deployment(string name) => Enum.Parse<DeploymentStatus>(name, ignoreCase: true);
}
