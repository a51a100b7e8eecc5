# The NixDeploy control plane (`dotnet nixdeploy serve`) as a systemd service; every machine imports this module
# (modules/base.nix), the one that runs the server enables it, in its own modules:
#
#   services.nixdeploy-server = {
#     enable = true;
#     package = pkgs.buildDotnetGlobalTool { pname = "NixDeploy.Tool"; version = "…"; nugetHash = "…"; executables = [ "dotnet-nixdeploy" ]; };
#     urls = "https://0.0.0.0:5001";   # anything but loopback needs TLS: a certificate in configFile
#     configFile = "/var/lib/nixdeploy-server/server.json";
#   };
#
# The state (SQLite) is in /var/lib/nixdeploy-server, owned by the user nixdeploy. The config file (JSON) names the
# SSH key that reaches the fleet and the TLS certificate: keep them outside the Nix store, readable by nixdeploy
# (in /var/lib/nixdeploy-server, say). The first admin token, printed once, on that machine:
#   sudo -u nixdeploy dotnet-nixdeploy serve token create --role admin --data /var/lib/nixdeploy-server
{ config, lib, pkgs, ... }:
let
  cfg = config.services.nixdeploy-server;
  user = "nixdeploy";
  stateDirectory = "nixdeploy-server";
  dataDir = "/var/lib/${stateDirectory}";
  # One ExecStart argument: quoted, with systemd's % specifiers and $ variables escaped.
  arg = value: builtins.toJSON (builtins.replaceStrings [ "%" "$" ] [ "%%" "$$" ] (toString value));
  package =
    if cfg.package != null then cfg.package
    else throw "services.nixdeploy-server.package is not set: set it to the NixDeploy.Tool package (its bin/dotnet-nixdeploy runs the server)";
in
{
  options.services.nixdeploy-server = {
    enable = lib.mkEnableOption "the NixDeploy control plane (dotnet nixdeploy serve)";
    package = lib.mkOption {
      type = lib.types.nullOr lib.types.package;
      default = null;
      description = "The NixDeploy.Tool package; its bin/dotnet-nixdeploy runs the server.";
    };
    urls = lib.mkOption {
      type = lib.types.str;
      default = "http://127.0.0.1:5080";
      description = "Where the server listens (--urls). Plain HTTP is for loopback: elsewhere serve HTTPS with a certificate from configFile.";
    };
    configFile = lib.mkOption {
      type = lib.types.nullOr lib.types.path;
      default = null;
      description = "The server's config file (--config, JSON): its SSH key and known_hosts, its TLS certificate. A path outside the Nix store.";
    };
  };

  # mkIf per definition rather than around the whole config: each stays a plain attribute set to merge.
  config = {
    users.users.${user} = lib.mkIf cfg.enable { isSystemUser = true; group = user; home = dataDir; };
    users.groups.${user} = lib.mkIf cfg.enable { };

    systemd.services.nixdeploy-server = lib.mkIf cfg.enable {
      description = "NixDeploy control plane (dotnet nixdeploy serve)";
      wantedBy = [ "multi-user.target" ];
      after = [ "network-online.target" ];
      wants = [ "network-online.target" ];
      # Rollouts copy closures and activate machines with nix and ssh.
      path = [ config.nix.package pkgs.openssh ];
      serviceConfig = {
        ExecStart = lib.concatStringsSep " " ([ (arg "${package}/bin/dotnet-nixdeploy") "serve" "--data" (arg dataDir) "--urls" (arg cfg.urls) ]
          ++ lib.optionals (cfg.configFile != null) [ "--config" (arg cfg.configFile) ]);
        User = user;
        Group = user;
        StateDirectory = stateDirectory;
        StateDirectoryMode = "0700";
        WorkingDirectory = dataDir;
        # SIGTERM is a graceful shutdown: the server records where each rollout is, and resumes it when restarted.
        Restart = "on-failure";
        RestartSec = 5;
        UMask = "0077";

        NoNewPrivileges = true;
        CapabilityBoundingSet = "";
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        ProtectProc = "invisible";
        RestrictAddressFamilies = "AF_UNIX AF_INET AF_INET6";
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        LockPersonality = true;
        RemoveIPC = true;
        SystemCallArchitectures = "native";
        SystemCallFilter = "@system-service";
        # No MemoryDenyWriteExecute: .NET's JIT writes the code it runs.
      };
    };
  };
}
