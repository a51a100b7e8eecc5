# shellcheck shell=sh disable=SC2154
# SC2154: the names this program uses but does not set come from lib.sh, which is put in front of it when it is sent;
# Core/HostProgramTests runs shellcheck over lib.sh and this file together, where every name must be defined.
# NixDeploy's rollback watchdog, started detached by the agent: sh -c WATCHDOG nixdeploy-watchdog DIR ACTIVATION-TIMEOUT.
# It sleeps until DIR/deadline; unless a confirmation (or a rollback request) claimed the deploy by then, it claims
# it and returns the host to the previous generation: the files placed before activation, profile, live system and
# boot entry. SIGUSR1 wakes it to re-read the deadline and the claim. It writes DIR/result (rolled-back |
# rollback-failed) and exits. The rollback itself is lib.sh's rollback_to, the host's one rollback.
dir=$1 timeout_s=$2

# Stamped with seconds since boot, as the deadline is: no process per line.
log() { uptime_seconds; printf '%s %s\n' "uptime=$now" "$*"; }

# Before the pid is published: a wake-up must never find USR1's default action (terminate).
trap ':' USR1
# Written in place: the agent that started it reads it once fd 3 is closed (it waits for that, under the deploy
# lock); a status that finds the file while it is written sees the watchdog lock held by the agent.
printf '%s\n' "$$" > "$dir/watchdog.pid"
exec 3>&-
read -r deadline < "$dir/deadline"
log "armed (deadline uptime=$deadline)"

while :; do
  if [ -d "$dir/claim" ]; then
    log "claimed by the deployer: disarmed"
    exit "$exit_ok"
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
  exit "$exit_ok"
fi
printf 'watchdog\n' > "$dir/claim/owner"
log "no confirmation before the deadline: rolling back"
# A step in progress (activation, boot entry) finishes or times out first.
exec 7>>"$dir/step.lock"
flock 7

previous='' previous_generation='' new_generation=''
read -r previous < "$dir/previous"
read -r previous_generation < "$dir/previous-generation"
read -r new_generation 2>/dev/null < "$dir/new-generation"
boot=0
[ -e "$dir/boot-started" ] && boot=1
# The generation this deploy created (none: setting the profile failed) is forgotten.
if rollback_to "$previous" "$previous_generation" "$dir/kept-files" "$boot" "$timeout_s" "$new_generation" discard; then
  result=rolled-back
else
  result=rollback-failed
fi
printf '%s\n' "$result" > "$dir/result"
log "$result: live system is '$current', expected '$previous'"
