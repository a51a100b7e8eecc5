# A tiny local stand-in for nixpkgs, for machines without the internet (tests, samples, benchmarks).
# It provides what a fleet flake uses: `lib` (with `lib.nixosSystem`). The toplevel it builds is a
# real store path with a closure and a `bin/switch-to-configuration`, but it activates nothing real:
# it writes status files under /run and /nix/var/nix/standin (see README.md).
# Use it by overriding a fleet's input:  --override-input nixpkgs path:/abs/path/to/nixos-standin
{
  description = "NixDeploy.Sdk stand-in for nixpkgs: lib.nixosSystem without nixpkgs";

  outputs = { self }: {
    lib = import ./lib.nix;
  };
}
