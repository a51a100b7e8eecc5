namespace NixDeploy.Deploy.Remote;

/// <summary>
/// POSIX sh functions the agent and the watchdog share. Builtins only: a deploy calls them many times on every host,
/// where starting a process (readlink, date) costs more than the rest of the work.
/// </summary>
internal static class HostShell
{
    public const string Functions = """
# The live system, fully resolved (cd -P and pwd -P resolve like readlink -f); nothing when there is none.
current_system() {
  if [ -e /run/current-system ]; then (cd -P /run/current-system && pwd -P); fi
}

# Sets now to the whole seconds since boot: deadlines are compared on one boot only, as /run is emptied by the next.
uptime_seconds() {
  read -r now _ < /proc/uptime
  now=${now%.*}
}

""";
}
