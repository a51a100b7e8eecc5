# Layer 2, the desktop profile: tailnet, syncthing for media, performance over power saving.
{ lib, ... }:
{
  services.tailscale.enable = lib.mkDefault true;
  services.syncthing.enable = lib.mkDefault true;
  services.syncthing.settings.folders = lib.mkDefault {
    documents.path = "/var/lib/syncthing/documents";
    photos.path = "/var/lib/syncthing/photos";
    music.path = "/var/lib/syncthing/music";
    videos.path = "/var/lib/syncthing/videos";
  };
  powerManagement.cpuFreqGovernor = lib.mkDefault "performance";
}
