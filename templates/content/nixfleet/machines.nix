# The fleet's machines. Per machine: profile (laptop | desktop | server), and optionally addr (default: the name),
# sshPort, sshUser, mode ("pull": the machine's agent fetches its deployments, see modules/nixdeploy-agent.nix), labels,
# system, and modules (its own NixOS modules, the last layer in Nix).
let defaultProfile = "FLEET_PROFILE"; in
{
FLEET_MACHINE_ENTRIES
}
