namespace NixDeploy.Deploy.Remote;

/// <summary>
/// POSIX sh functions the agent, the watchdog and the live-state script share. They set variables instead of printing,
/// and use builtins where they can: a deploy calls them many times on every host, where a subshell or a process
/// (readlink, date) costs more than the rest of the work.
/// </summary>
internal static class HostShell
{
    public const string Functions = """
# Sets current to the live system, fully resolved (cd -P resolves like readlink -f), or to nothing when there is none.
current_system() {
  current=
  [ -e /run/current-system ] || return 0
  current_from=$PWD
  cd -P /run/current-system && current=$PWD
  cd "${current_from:-/}" || cd /
}

# Sets generation to the system profile's generation number (system -> system-7-link), or to nothing without a profile.
profile_generation() {
  generation=
  link=$(readlink /nix/var/nix/profiles/system 2>/dev/null) || return 0
  link=${link#system-}
  generation=${link%-link}
}

# Sets reboot to 1 when SYSTEM boots another kernel, initrd or kernel command line than the host runs (comin's
# need_to_reboot), else 0. What runs is /run/booted-system, which NixOS links at boot; on a host without it, REFERENCE
# (the live system before a deploy). A host with neither runs no kernel of SYSTEM's. Builtins only: test -ef compares
# the files the links resolve to; kernel-params is one line, without a newline in a NixOS toplevel.
reboot_required() { # SYSTEM REFERENCE
  reboot=1
  booted=$2
  [ -e /run/booted-system ] && booted=/run/booted-system
  [ -n "$booted" ] || return 0
  for boot_file in kernel initrd; do
    if [ -e "$booted/$boot_file" ] || [ -e "$1/$boot_file" ]; then
      [ "$booted/$boot_file" -ef "$1/$boot_file" ] || return 0
    fi
  done
  booted_params= system_params=
  read -r booted_params 2>/dev/null < "$booted/kernel-params"
  read -r system_params 2>/dev/null < "$1/kernel-params"
  [ "$booted_params" = "$system_params" ] || return 0
  reboot=0
}

# Sets now to the whole seconds since boot: deadlines are compared on one boot only, as /run is emptied by the next.
uptime_seconds() {
  read -r now _ < /proc/uptime
  now=${now%.*}
}

""";
}
