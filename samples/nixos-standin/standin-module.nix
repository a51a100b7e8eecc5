# The stand-in's own module, evaluated before the user's: defaults (mkDefault, so machines override
# them) and system.build.{etc,sw,toplevel}; etc/systemd/system holds the units of systemd.services.
#
# Fault injection is configuration, so a test changes a machine's config, never the product:
#   nixdeploy.standin.activation = "ok" | "fail" | "hang" | "noop";   # what switch-to-configuration test/switch does
#   nixdeploy.standin.services.<name>.healthy = true | false; # /run/standin/services/<name> after activation
#   nixdeploy.standin.buildFails = true;                      # the toplevel's build fails
{ config, lib, pkgs, ... }:
let
  inherit (config.networking) hostName;
  inherit (config.system.nixos) version;
  standin = config.nixdeploy.standin;
  system = pkgs.system;

  activation =
    if builtins.elem standin.activation [ "ok" "fail" "hang" "noop" ] then standin.activation
    else throw "${hostName}: nixdeploy.standin.activation must be \"ok\", \"fail\", \"hang\" or \"noop\", not ${lib.toJSON standin.activation}";

  services = lib.mapAttrs
    (name: s:
      if builtins.match "[A-Za-z0-9_][A-Za-z0-9_.-]*" name == null
      then throw "${hostName}: nixdeploy.standin.services.${name}: use letters, digits, '_', '.', '-' in service names"
      else if !builtins.isBool (s.healthy or true)
      then throw "${hostName}: nixdeploy.standin.services.${name}.healthy must be true or false"
      else if s.healthy or true then "healthy" else "unhealthy")
    standin.services;

  # Functions cannot be serialized; derivations serialize as their store path.
  toJSONable = v:
    if lib.isFunction v then "<function>"
    else if lib.isList v then map toJSONable v
    else if lib.isAttrs v && !(v ? outPath) then lib.mapAttrs (_: toJSONable) v
    else v;

  # A service whose every definition is under a false mkIf is null: it has no unit.
  units = import ./systemd-units.nix { inherit lib pkgs hostName; } (lib.filterAttrs (_: s: s != null) (config.systemd.services or { }));

  # The whole configuration (minus system.build, which depends on it) goes into /etc, so any
  # configuration change changes the closure and the toplevel's store path.
  etc = derivation {
    name = "etc";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" ''
      set -eu
      /bin/mkdir -p "$out/etc/nixdeploy"
      /bin/cp "$configurationPath" "$out/etc/nixdeploy/configuration.json"
      printf '%s\n' "$hostName" > "$out/etc/hostname"
      /bin/mkdir -p "$out/etc/systemd"
      /bin/ln -s "$units" "$out/etc/systemd/system"
    '' ];
    inherit hostName units;
    configuration = builtins.toJSON (toJSONable (config // { system = removeAttrs config.system [ "build" ]; }));
    passAsFile = [ "configuration" ];
  };

  # Links the bin/ of environment.systemPackages, like NixOS's system-path.
  sw = derivation {
    name = "system-path";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" ''
      set -eu
      /bin/mkdir -p "$out/bin"
      for p in $packages; do
        for f in "$p"/bin/*; do
          if [ -e "$f" ]; then /bin/ln -sf "$f" "$out/bin/"; fi
        done
      done
    '' ];
    packages = config.environment.systemPackages;
  };

  serviceNames = builtins.attrNames services;

  # The body of bin/switch-to-configuration; the builder prepends "#!/bin/sh" and toplevel=$out.
  switchScript = ''
    set -eu
    export PATH=/usr/bin:/bin
    services_dir=/run/standin/services
    configured=" ${toString serviceNames} "

    # Point a symlink at this toplevel atomically: a new link under a temporary name, renamed over the old.
    # (Builtins where they do: a deploy runs this on many hosts at once.)
    point() {
      [ -d "''${1%/*}" ] || /bin/mkdir -p "''${1%/*}"
      ln -sfn "$toplevel" "$1.tmp.$$"
      mv -T "$1.tmp.$$" "$1"
    }

    write_status() {
      printf '%s\n' "$2" > "$services_dir/.$1.tmp.$$"
      mv -T "$services_dir/.$1.tmp.$$" "$services_dir/$1"
    }

    activate() {
      ${lib.optionalString (activation == "noop") ''
      echo "switch-to-configuration: ${hostName} activates nothing (stand-in fault: nixdeploy.standin.activation = \"noop\")" >&2
      return 0''}
      [ -d "$services_dir" ] || mkdir -p "$services_dir"
      ${lib.concatMapStringsSep "\n  " (n: "write_status ${n} ${services.${n}}") serviceNames}
      for f in "$services_dir"/*; do
        [ -e "$f" ] || continue
        case "$configured" in
          *" ''${f##*/} "*) ;;
          *) rm -f "$f" ;;
        esac
      done
      point /run/current-system
      ${{
        ok = "";
        fail = ''
          echo "switch-to-configuration: activating ${hostName} failed (stand-in fault: nixdeploy.standin.activation = \"fail\")" >&2
          exit 1'';
        hang = ''
          echo "switch-to-configuration: activation of ${hostName} hangs (stand-in fault: nixdeploy.standin.activation = \"hang\")" >&2
          exec sleep infinity'';
        noop = "";
      }.${activation}}
    }

    dry_activate() {
      echo "would activate $toplevel"
      ${lib.concatMapStringsSep "\n  " (n: "echo 'would set service ${n}: ${services.${n}}'") serviceNames}
      for f in "$services_dir"/*; do
        [ -e "$f" ] || continue
        case "$configured" in
          *" ''${f##*/} "*) ;;
          *) echo "would remove the status of service ''${f##*/} (no longer configured)" ;;
        esac
      done
      echo "would point /run/current-system at $toplevel"
      ${lib.optionalString (activation != "ok") ''echo "would then ${activation} (stand-in fault: nixdeploy.standin.activation = \"${activation}\")"''}
    }

    case "''${1:-}" in
      test) activate ;;
      boot) point /nix/var/nix/standin/boot-default ;;
      switch) activate; point /nix/var/nix/standin/boot-default ;;
      dry-activate) dry_activate ;;
      *)
        echo "usage: switch-to-configuration switch|boot|test|dry-activate" >&2
        exit 1
        ;;
    esac
  '';

  healthScript = ''
    #!/bin/sh
    # Exits 0 if and only if the stand-in service named by $1 is healthy on this host.
    case "''${1:-}" in
      "" | .* | */*) echo "usage: standin-health SERVICE" >&2; exit 2 ;;
    esac
    exec /bin/grep -qx healthy "/run/standin/services/$1"
  '';

  # What a boot loader (or a VM monitor such as cloud-hypervisor) starts: one kernel and initrd for every machine,
  # so only boot.kernelParams tells two systems' boot apart. A container (boot.isContainer) has none of them.
  kernel = derivation {
    name = "linux-${kernelVersion}";
    inherit system;
    version = kernelVersion;
    builder = "/bin/sh";
    args = [ "-c" ''/bin/mkdir -p "$out" && printf 'stand-in kernel %s\n' "$version" > "$out/bzImage"'' ];
  };
  initrd = derivation {
    name = "initrd-linux-${kernelVersion}";
    inherit system kernel;
    builder = "/bin/sh";
    args = [ "-c" ''/bin/mkdir -p "$out" && printf 'stand-in initrd for %s\n' "$kernel" > "$out/initrd"'' ];
  };
  kernelVersion = "6.6.0-standin";
  bootFiles = lib.optionalString (!config.boot.isContainer) ''
    /bin/ln -s ${kernel}/bzImage "$out/kernel"
    /bin/ln -s ${initrd}/initrd "$out/initrd"
    printf '%s' "$kernelParams" > "$out/kernel-params"
  '';

  toplevel = derivation {
    name = "nixos-system-${hostName}-${version}";
    inherit system etc sw version switchScript healthScript;
    kernelParams = lib.concatStringsSep " " config.boot.kernelParams;
    builder = "/bin/sh";
    passAsFile = [ "switchScript" "healthScript" ];
    args = [ "-c" (if standin.buildFails then ''
      echo "error: building the system of ${hostName} failed (stand-in fault: nixdeploy.standin.buildFails = true)" >&2
      exit 1
    '' else ''
      set -eu
      /bin/mkdir -p "$out/bin"
      /bin/ln -s "$etc/etc" "$out/etc"
      /bin/ln -s "$sw" "$out/sw"
      printf '%s\n' "$version" > "$out/nixos-version"
      ${bootFiles}
      { printf '#!/bin/sh\ntoplevel=%s\n' "$out"; /bin/cat "$switchScriptPath"; } > "$out/bin/switch-to-configuration"
      /bin/cp "$healthScriptPath" "$out/bin/standin-health"
      /bin/chmod 555 "$out/bin/switch-to-configuration" "$out/bin/standin-health"
    '') ];
  };
in
{
  networking.hostName = lib.mkDefault "nixos";
  system.nixos.version = lib.mkDefault "24.05.standin";
  environment.systemPackages = [ ];
  nix.package = lib.mkDefault pkgs.nix;
  boot.isContainer = lib.mkDefault false;
  boot.kernelParams = [ ];
  nixdeploy.standin = {
    activation = lib.mkDefault "ok";
    buildFails = lib.mkDefault false;
    services = { };
  };
  system.build = { inherit etc sw toplevel; };
}
