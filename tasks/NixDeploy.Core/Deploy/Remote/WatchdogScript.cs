namespace NixDeploy.Deploy.Remote;

/// <summary>
/// The rollback watchdog the agent starts detached on a host (POSIX sh): it rolls the host back unless the deploy is
/// confirmed before its deadline, so a deployer that vanishes after activation never leaves a host unconfirmed. It is
/// the one rollback of a deploy (the deployer asks it to roll back now), so it also puts back the files a
/// pre-activation step replaced (<see cref="KeptFilesScript"/>).
/// </summary>
internal static class WatchdogScript
{
    public const string Text = KeptFilesScript.Functions + HostShell.Functions + """
# NixDeploy's rollback watchdog, started detached by the agent: sh -c WATCHDOG nixdeploy-watchdog DIR ACTIVATION-TIMEOUT.
# It sleeps until DIR/deadline; unless a confirmation (or a rollback request) claimed the deploy by then, it claims
# it and returns the host to the previous generation: the files placed before activation, profile, live system and
# boot entry. SIGUSR1 wakes it to re-read the deadline and the claim. It writes DIR/result (rolled-back |
# rollback-failed) and exits.
set -u
dir=$1 timeout_s=$2
profile=/nix/var/nix/profiles/system

# Stamped with seconds since boot, as the deadline is: no process per line.
log() { uptime_seconds; printf '%s %s\n' "uptime=$now" "$*"; }

# Before the pid is published: a wake-up must never find USR1's default action (terminate).
trap ':' USR1
printf '%s\n' "$$" > "$dir/watchdog.pid.tmp" && mv -f "$dir/watchdog.pid.tmp" "$dir/watchdog.pid"
read -r deadline < "$dir/deadline"
log "armed (deadline uptime=$deadline)"

while :; do
  if [ -d "$dir/claim" ]; then
    log "claimed by the deployer: disarmed"
    exit 0
  fi
  read -r deadline < "$dir/deadline"
  uptime_seconds
  left=$(( deadline - now ))
  [ "$left" -gt 0 ] || break
  # wait, unlike a foreground sleep, returns as soon as USR1 arrives.
  sleep "$left" &
  sleeper=$!
  wait "$sleeper"
  kill "$sleeper" 2>/dev/null
done

if ! mkdir "$dir/claim" 2>/dev/null; then
  log "claimed by the deployer at the deadline: disarmed"
  exit 0
fi
printf 'watchdog\n' > "$dir/claim/owner"
log "no confirmation before the deadline: rolling back"
# A step in progress (activation, boot entry) finishes or times out first.
exec 7>>"$dir/step.lock"
flock 7

# The previous system's files are back before it is activated again, as they were before this deploy's activation.
files=restored
restore_kept "$dir/kept-files" || files=not-restored
log "files placed before activation: $files"
previous= previous_generation= new_generation=
read -r previous < "$dir/previous"
read -r previous_generation < "$dir/previous-generation"
read -r new_generation 2>/dev/null < "$dir/new-generation"
if [ -n "$new_generation" ] && [ "$new_generation" != "$previous_generation" ]; then
  if [ -n "$previous_generation" ]; then
    nix-env -p "$profile" --switch-generation "$previous_generation" && nix-env -p "$profile" --delete-generations "$new_generation"
  else
    # There was no profile before this deploy: remove the one generation it created.
    rm -f "$profile" "$profile-$new_generation-link"
  fi
  log "profile back to generation ${previous_generation:-none} (exit $?)"
fi
if [ -n "$previous" ]; then
  timeout -k 5 "$timeout_s" "$previous/bin/switch-to-configuration" test
  log "activated $previous (exit $?)"
  if [ -e "$dir/boot-started" ]; then
    timeout -k 5 "$timeout_s" "$previous/bin/switch-to-configuration" boot
    log "boot entry back to $previous (exit $?)"
  fi
else
  # There was no system before this deploy: nothing is live afterwards either.
  rm -f /run/current-system
  log "removed /run/current-system (no previous system)"
fi
current_system
if [ "$current" = "$previous" ] && [ "$files" = restored ]; then
  result=rolled-back
else
  result=rollback-failed
fi
printf '%s\n' "$result" > "$dir/result"
log "$result: live system is '$current', expected '$previous'"
""";
}
