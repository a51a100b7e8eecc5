# A NixOS fleet deployed with NixDeploy.Sdk: `dotnet nixdeploy deploy` (or `dotnet build NixFleet.nixdeploy -t:Deploy`).
#
# Configuration layers, each overriding the one before:
#   modules/base.nix         every machine (base defaults)
#   profiles/<profile>.nix   the machine's profile: laptop, desktop or server (default services)
#   machines.nix             per machine: profile, address, own modules; `dotnet new nixmachine -n NAME` adds machines/NAME.nix
#   NixFleet.nixdeploy.user     git-ignored, outside Nix: how to reach the machines from here, and secrets
{
  description = "FLEET_TITLE: a NixOS fleet deployed with NixDeploy.Sdk";

  inputs.nixpkgs.url = "NIXPKGS_FLAKE_URL";

  outputs = { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;

      # machines.nix, plus one machines/NAME.nix per machine added later (flakes see files once they are git-added).
      added = builtins.listToAttrs (map
        (file: { name = builtins.head (builtins.match "(.*)\\.nix" file); value = import (./machines + "/${file}"); })
        (builtins.filter (file: builtins.match ".*\\.nix" file != null) (builtins.attrNames (builtins.readDir ./machines))));
      listed = import ./machines.nix;
      # `//` would let machines/NAME.nix silently replace a machine of machines.nix: a name is defined once.
      twice = builtins.filter (name: listed ? ${name}) (builtins.attrNames added);
      machines =
        if twice == [ ] then listed // added
        else throw "machine '${builtins.head twice}' is defined twice, in machines.nix and in machines/${builtins.head twice}.nix: remove one of them (or pick another name for dotnet new nixmachine -n)";

      # A machine without an addr is reached at its name, which must then be a host name (no '_', no spaces).
      unreachable = builtins.filter
        (name: !(machines.${name} ? addr) && builtins.match "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?" name == null)
        (builtins.attrNames machines);

      # The blueprint NixDeploy.Sdk reads (nix eval --json .#blueprintJSON): plain attribute sets, so NixOS modules
      # can read their machine's entry too (the `fleet` module argument below).
      blueprint = if unreachable != [ ] then throw "machine name(s) ${builtins.concatStringsSep ", " (map (n: "'${n}'") unreachable)} cannot be reached as host names (letters, digits and '-' only): rename them in machines.nix, or give each an addr" else builtins.mapAttrs
        (name: m: {
          role = m.profile;
          labels = [ m.profile ] ++ (m.labels or [ ]);
          deployment = {
            addr = name;
            sshUser = "root";
            sshPort = 22;
            autoRollback = true;
            healthChecks = [
              { command = "test -x /run/current-system/sw/bin/fleet-info"; timeout = 30; interval = 2; }
            ];
          }
          # What machines.nix or machines/NAME.nix sets keeps its place there, so an error points at that line.
          // builtins.intersectAttrs { addr = null; sshUser = null; sshPort = null; mode = null; } m;
        })
        machines;
    in
    {
      nixosConfigurations = builtins.mapAttrs
        (name: m: lib.nixosSystem {
          system = m.system or "x86_64-linux";
          specialArgs.fleet = { inherit name; machine = blueprint.${name}; };
          modules = [ ./modules/base.nix (./profiles + "/${m.profile}.nix") { networking.hostName = name; } ] ++ (m.modules or [ ]);
        })
        machines;

      blueprintJSON = blueprint;
    };
}
