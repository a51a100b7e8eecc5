using System.Text.Json.Serialization;

namespace NixDeploy.Blueprint;

/// <summary>
/// How a machine's SSH user runs the host steps that need root (blueprint <c>deployment.privilegeEscalation</c>): as
/// itself (<see cref="None"/>, for root), or through <c>sudo -n</c> or <c>doas -n</c>, which must not ask for a password.
/// </summary>
public enum PrivilegeEscalation
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("sudo")] Sudo,
    [JsonStringEnumMemberName("doas")] Doas,
}
