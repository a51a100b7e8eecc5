# lib.nixosSystem { system, modules, specialArgs ? { } }: evaluates the modules on top of the
# stand-in's own module (standin-module.nix) and returns { config, pkgs } like nixpkgs does;
# the system to build is config.system.build.toplevel.
lib:
{ system ? null, modules, specialArgs ? { } }:
let
  eval = lib.evalModules {
    modules = [ ./standin-module.nix ] ++ modules;
    inherit specialArgs;
    args = { inherit pkgs; };
  };
  # Like nixpkgs, the platform may come from the `system` argument or from nixpkgs.hostPlatform.
  hostSystem =
    if system != null then system
    else eval.config.nixpkgs.hostPlatform.system or eval.config.nixpkgs.hostPlatform or "x86_64-linux";
  pkgs = import ./pkgs.nix { inherit lib; system = hostSystem; };
in
{
  _type = "configuration";
  inherit (eval) config;
  inherit pkgs;
}
