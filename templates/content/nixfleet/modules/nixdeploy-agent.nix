# The NixDeploy pull agent as a systemd service, for a machine the deployer cannot reach over SSH (a laptop that
# sleeps, a desktop behind NAT): it fetches its own desired state from the control plane, substitutes its closure from
# the control plane's cache and activates it with the same steps, watchdog and rollback as a push deploy (see
# docs/pull-agents.md of NixDeploy.Sdk). Every machine imports this module (modules/base.nix); a pull machine enables
# it in its own modules, and has deployment.mode = "pull" in the blueprint:
#
#   services.nixdeploy-agent = {
#     enable = true;
#     server = "https://deploy.example.org:5001";
#     # machine = "laptop-1";                           # default: networking.hostName
#     # tokenFile = "/var/lib/nixdeploy-agent/token";   # the default; never a path in the Nix store
#   };
#
# The token file holds the machine's token (dotnet nixdeploy machine add NAME --server URL prints it), readable by
# root only, outside the Nix store: the agent reads it at start and passes it to nothing on a command line.
# nixdeploy-agent/*.sh are NixDeploy's host programs, the same a push deploy sends over SSH.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.nixdeploy-agent;
  # One ExecStart argument: quoted, with systemd's % specifiers and $ variables escaped.
  arg = value: builtins.toJSON (builtins.replaceStrings [ "%" "$" ] [ "%%" "$$" ] (toString value));
  # Each host program is the library with the program's own file behind it.
  program = name: pkgs.writeText "nixdeploy-${name}" (builtins.readFile ./nixdeploy-agent/lib.sh + builtins.readFile (./nixdeploy-agent + "/${name}.sh"));
  programs = pkgs.runCommand "nixdeploy-host-programs" { } ''
    mkdir -p "$out"
    cp ${program "agent"} "$out/agent"
    cp ${program "watchdog"} "$out/watchdog"
    cp ${program "pull-agent"} "$out/pull-agent"
  '';
  server =
    if cfg.server != null then cfg.server
    else throw "services.nixdeploy-agent.server is not set: set it to the control plane's URL (https://HOST:PORT)";
  tokenFile =
    if builtins.substring 0 11 cfg.tokenFile == "/nix/store/"
    then throw "services.nixdeploy-agent.tokenFile is in the Nix store, which every user can read: give a path outside it, as a string"
    else cfg.tokenFile;
in
{
  options.services.nixdeploy-agent = {
    enable = lib.mkEnableOption "the NixDeploy pull agent";
    server = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      description = "The control plane's URL; its /cache is the machine's substituter.";
    };
    machine = lib.mkOption {
      type = lib.types.str;
      default = config.networking.hostName;
      description = "The machine's name in the blueprint, which its token is bound to.";
    };
    tokenFile = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/nixdeploy-agent/token";
      description = "The file holding the machine's token, outside the Nix store, readable by root only.";
    };
  };

  config.systemd.services.nixdeploy-agent = lib.mkIf cfg.enable {
    description = "NixDeploy pull agent";
    wantedBy = [ "multi-user.target" ];
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    # curl asks the server, nix substitutes and sets the profile, flock and setsid run the deploy lock and the watchdog.
    path = [ config.nix.package pkgs.curl pkgs.util-linux ];
    # The agent activates systems, its own unit's among them: a switch must not restart it in the middle of a deploy.
    # It runs the new unit from the next start on.
    restartIfChanged = false;
    serviceConfig = {
      ExecStart = lib.concatStringsSep " " [ "/bin/sh" (arg "${programs}/pull-agent") (arg server) (arg cfg.machine) (arg tokenFile) (arg programs) ];
      Restart = "always";
      RestartSec = 10;
      # Stopping the agent leaves a deploy's watchdog alive: an unconfirmed activation is still rolled back.
      KillMode = "process";
      StateDirectory = "nixdeploy-agent";
      StateDirectoryMode = "0700";
      UMask = "0077";
    };
  };
}
