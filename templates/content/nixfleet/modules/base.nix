# Layer 1, every machine: the fleet's base defaults. Profiles and machines override them.
{ config, lib, pkgs, fleet, ... }:
let
  cacheUrl = "FLEET_CACHE_URL";
in
{
  # services.nixdeploy-server: the control plane, for the machine that runs it; services.nixdeploy-agent: the pull
  # agent, for a machine that fetches its own deployments (see the modules).
  imports = [ ./nixdeploy-server.nix ./nixdeploy-agent.nix ];

  system.stateVersion = lib.mkDefault "24.05";
  time.timeZone = lib.mkDefault "UTC";
  # Replace with the machine's hardware configuration (nixos-generate-config).
  fileSystems."/" = lib.mkDefault { device = "/dev/disk/by-label/nixos"; fsType = "ext4"; };
  boot.loader.grub.device = lib.mkDefault "nodev";

  services.openssh = {
    enable = true;
    settings.PermitRootLogin = "prohibit-password";
  };
  nix.settings.experimental-features = [ "nix-command" "flakes" ];
#if (cache != "")
  nix.settings.substituters = [ cacheUrl ];
#endif

  # The fleet's health check looks for this command in the live system.
  environment.systemPackages = [
    (pkgs.writeShellScriptBin "fleet-info" ''
      echo "${fleet.name}: ${fleet.machine.role} of FLEET_TITLE"
    '')
  ];
}
