# A sample fleet of three machines, deployed by NixDeploy.Sdk.
# Here (no internet) nixpkgs is always overridden with the local stand-in:
#   nix build --override-input nixpkgs path:$PWD/samples/nixos-standin ...
# Addresses and port match the test-host harness (tests/hosts/start-hosts.sh --count 3).
{
  description = "NixDeploy.Sdk sample fleet: web-1, web-2, db-1";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

  outputs = { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;

      machines = {
        web-1 = { addr = "127.0.0.11"; role = "web"; labels = [ "web" "frontend" ]; service = "web"; };
        web-2 = { addr = "127.0.0.12"; role = "web"; labels = [ "web" "frontend" ]; service = "web"; };
        db-1 = { addr = "127.0.0.13"; role = "db"; labels = [ "db" ]; service = "db"; memory = 4; };
      };
    in
    {
      nixosConfigurations = lib.mapAttrs
        (name: _: lib.nixosSystem {
          system = "x86_64-linux";
          modules = [ ./modules/common.nix ./machines/${name}.nix ];
        })
        machines;

      # What NixDeploy.Sdk reads (nix eval --json .#blueprintJSON): one entry per machine.
      blueprintJSON = lib.mapAttrs
        (name: m: {
          inherit (m) role labels;
          cpu = 2;
          memory = { amount = m.memory or 2; unit = "GiB"; };
          replicas = 1;
          deployment = {
            inherit (m) addr;
            backend = "ssh";
            sshUser = "root";
            sshPort = 2222;
            healthChecks = [
              { enabled = true; command = "grep -qx healthy /run/standin/services/${m.service}"; timeout = 10; interval = 1; }
            ];
            autoRollback = true;
          };
        })
        machines;
    };
}
