# MACHINE_TITLE: its profile and address, and its own NixOS modules (the last layer in Nix). `git add` this file.
{
  profile = "MACHINE_PROFILE";
  addr = "MACHINE_ADDR";
  modules = [
    ({ ... }: {
      # MACHINE_TITLE's own settings, over its profile's, for example:
      # services.syncthing.enable = true;
    })
  ];
}
