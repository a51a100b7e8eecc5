# systemd.services.<name> rendered to unit files as NixOS does, for the toplevel's etc/systemd/system: a directory
# with <name>.service for each service and <target>.wants/<name>.service links for wantedBy (NixOS writes no
# [Install] sections). Supported: description, after, wants, requires, wantedBy, environment, path, unitConfig,
# serviceConfig, restartIfChanged (false: X-RestartIfChanged=false in [Unit], which switch-to-configuration reads); anything else is an error rather than a unit that silently lacks it.
{ lib, pkgs, hostName }:
services:
let
  supported = [ "description" "after" "wants" "requires" "wantedBy" "environment" "path" "unitConfig" "serviceConfig" "restartIfChanged" ];

  # Like NixOS: a list is one line per element, booleans are true/false.
  value = v: if builtins.isBool v then (if v then "true" else "false") else toString v;
  lines = attrs: lib.concatLists (lib.mapAttrsToList (key: v: map (x: "${key}=${value x}") (if builtins.isList v then v else [ v ])) attrs);
  # Environment= takes one quoted assignment per line; systemd expands % specifiers in it, so they are escaped.
  environmentLine = name: v: "Environment=${builtins.toJSON "${name}=${builtins.replaceStrings [ "%" ] [ "%%" ] (toString v)}"}";

  unitText = name: s:
    let
      unsupported = builtins.filter (key: !builtins.elem key supported) (builtins.attrNames s);
      environment = (s.environment or { }) // lib.optionalAttrs (s.path or [ ] != [ ]) {
        PATH = lib.concatStringsSep ":" (lib.concatMap (p: [ "${p}/bin" "${p}/sbin" ]) s.path);
      };
    in
    if builtins.match "[A-Za-z0-9:_.-]+" name == null
    then throw "${hostName}: systemd.services.${name}: use letters, digits, ':', '_', '.', '-' in unit names"
    else if unsupported != [ ]
    then throw "${hostName}: systemd.services.${name}.${builtins.head unsupported} is not supported by the stand-in (only ${toString supported})"
    else lib.concatStringsSep "\n" (
      [ "[Unit]" ]
      ++ lib.optional (s ? description) "Description=${s.description}"
      ++ lib.concatLists (lib.mapAttrsToList (key: unitKey: lib.optional (s.${key} or [ ] != [ ]) "${unitKey}=${toString s.${key}}")
        { after = "After"; wants = "Wants"; requires = "Requires"; })
      ++ lines (s.unitConfig or { })
      ++ lib.optional (!(s.restartIfChanged or true)) "X-RestartIfChanged=false"
      ++ [ "" "[Service]" ]
      ++ lib.mapAttrsToList environmentLine environment
      ++ lines (s.serviceConfig or { })
    ) + "\n";
in
pkgs.runCommand "system-units"
{
  units = lib.mapAttrsToList (name: s: pkgs.writeText "${name}.service" (unitText name s)) services;
  wants = lib.concatLists (lib.mapAttrsToList (name: s: map (target: "${target}.wants/${name}.service") (s.wantedBy or [ ])) services);
} ''
  set -eu
  mkdir -p "$out"
  for unit in $units; do cp "$unit" "$out/''${unit#*-}"; done
  for link in $wants; do
    mkdir -p "$out/''${link%/*}"
    ln -s "../''${link#*/}" "$out/$link"
  done
''
