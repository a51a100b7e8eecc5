# Shared by every machine of the fleet.
{ config, lib, pkgs, ... }:
{
  system.stateVersion = "24.05";
  time.timeZone = "UTC";
  services.openssh = {
    enable = true;
    settings.PermitRootLogin = "prohibit-password";
  };
  environment.systemPackages = [
    (pkgs.writeShellScriptBin "fleet-motd" ''
      echo "${config.networking.hostName}: part of the NixDeploy.Sdk sample fleet"
    '')
  ];
}
