# Layer 2, the laptop profile: tailnet, syncthing for work files, low-power mode.
{ lib, ... }:
{
  services.tailscale.enable = lib.mkDefault true;
  services.syncthing.enable = lib.mkDefault true;
  services.syncthing.settings.folders = lib.mkDefault {
    documents.path = "/var/lib/syncthing/documents";
    code.path = "/var/lib/syncthing/code";
    dotfiles.path = "/var/lib/syncthing/dotfiles";
  };
  powerManagement.enable = lib.mkDefault true;
  services.tlp.enable = lib.mkDefault true;
}
