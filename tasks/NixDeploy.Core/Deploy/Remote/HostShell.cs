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

# Sets now to the whole seconds since boot: deadlines are compared on one boot only, as /run is emptied by the next.
uptime_seconds() {
  read -r now _ < /proc/uptime
  now=${now%.*}
}

""";
}
