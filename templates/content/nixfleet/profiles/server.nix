# Layer 2, the server profile: headless, on the tailnet; syncs dotfiles and backups when syncthing is enabled.
{ lib, ... }:
{
  services.tailscale.enable = lib.mkDefault true;
  services.syncthing.enable = lib.mkDefault false;
  services.syncthing.settings.folders = lib.mkDefault {
    dotfiles.path = "/var/lib/syncthing/dotfiles";
    backups.path = "/var/lib/syncthing/backups";
  };
  services.xserver.enable = lib.mkDefault false;
  documentation.enable = lib.mkDefault false;
}
