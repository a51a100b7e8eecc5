# shellcheck shell=sh disable=SC2154
# SC2154: the names this program uses but does not set come from lib.sh, which is put in front of it when it is sent;
# Core/HostProgramTests runs shellcheck over lib.sh and this file together, where every name must be defined.
# NixDeploy's live-state program, run over SSH outside any deploy as: sh -c LIVE nixdeploy-live COMMAND ARGS... (LIVE
# is lib.sh and this file), for dotnet nixdeploy status, plan and rollback. A rollback takes the agent's deploy lock,
# so it never races a deploy, and is lib.sh's rollback_to, the host's one rollback.
cmd=${1:-}
[ $# -gt 0 ] && shift

# The rollback's steps, for the deployer's error message (stdout carries only the results).
log() { printf '%s\n' "$*" >&2; }

# Sets watchdog to what became of the newest deploy that was not confirmed (its state directory is there; deploy
# tokens start with their date): pending (its watchdog rolls the host back in watchdog_left seconds unless the deploy
# is confirmed, in watchdog_dir), rolled-back or rollback-failed (the watchdog's result, kept until the next reboot),
# or unconfirmed (no watchdog: autoRollback is off). A result counts only while the host runs the deploy's system or
# the one before, an unconfirmed deploy while it runs the deploy's; nothing when every deploy was confirmed or rolled back by the deployer. At most one
# watchdog is armed on a host (a deploy's lock refuses to start while one is).
deploy_watchdog() {
  watchdog='' watchdog_left='' watchdog_dir=''
  current_system
  for state in "$state_root"/*/; do
    [ -d "$state" ] || continue
    watchdog_dir=${state%/}
    deployed='' left_live=''
    read -r deployed 2>/dev/null < "$watchdog_dir/closure"
    if read -r watchdog 2>/dev/null < "$watchdog_dir/result"; then
      read -r left_live 2>/dev/null < "$watchdog_dir/previous"
      [ "$current" = "$left_live" ] || [ "$current" = "$deployed" ] || watchdog=''
    elif [ -e "$watchdog_dir/watchdog.pid" ] && ! watchdog_gone 0; then
      watchdog=pending
      read -r deadline < "$watchdog_dir/deadline"
      uptime_seconds
      watchdog_left=$(( deadline > now ? deadline - now : 0 ))
    elif [ "$current" = "$deployed" ]; then
      watchdog=unconfirmed
    else
      watchdog=''
    fi
  done
}

case "$cmd" in
  state)
    profile_generation
    deploy_watchdog
    printf 'current=%s\ngeneration=%s\nwatchdog=%s\nwatchdog-left=%s\n' "$current" "$generation" "$watchdog" "$watchdog_left"
    ;;
  rollback) # ACTIVATION-TIMEOUT WAIT-SECONDS: to the generation before the profile's (the live one after a deploy), or to the profile's when another system is live (after a deploy of mode test)
    [ $# -eq 2 ] || exit "$exit_usage"
    take_deploy_lock
    deploy_watchdog
    if [ "$watchdog" = pending ]; then
      # A deploy that was never confirmed (the deployer was stopped): its watchdog rolls back now, not at its deadline.
      roll_back_now "$watchdog_dir" "$2" || exit "$exit_rollback_unfinished"
      current_system
      profile_generation
      printf 'watchdog=%s\ncurrent=%s\ngeneration=%s\n' "$result" "$current" "$generation"
      [ "$result" = rolled-back ] || { echo "the watchdog's rollback did not succeed: see $watchdog_dir/watchdog.log" >&2; exit "$exit_host_failure"; }
      rm -rf "$watchdog_dir"
      exit "$exit_ok"
    fi
    profile_generation
    from=$generation
    [ -n "$from" ] || { echo "the host has no system profile ($system_profile)" >&2; exit "$exit_no_earlier_generation"; }
    current_system
    resolve_link "$system_profile"
    if [ "$current" != "$resolved" ]; then
      # A deploy of mode test left the profile (what the host boots) alone: undoing it is going back to the profile's.
      earlier=$from
    else
      earlier=
      for link in "$system_profile"-*-link; do
        [ -e "$link" ] || continue
        n=${link#"$system_profile"-}; n=${n%-link}
        if [ "$n" -lt "$from" ] && { [ -z "$earlier" ] || [ "$n" -gt "$earlier" ]; }; then earlier=$n; fi
      done
      [ -n "$earlier" ] || { echo "generation $from is the host's oldest system generation" >&2; exit "$exit_no_earlier_generation"; }
    fi
    printf 'from=%s\nto=%s\n' "$from" "$earlier"
    resolve_link "$system_profile-$earlier-link"
    target=$resolved
    # A confirmed generation keeps no files to put back, and the one rolled back from stays (it can be deployed again).
    if rollback_to "$target" "$earlier" "" 1 "$1" "$from" keep; then
      verified=1
    elif [ "$activated" -ne 0 ]; then
      # The earlier generation does not activate: the profile and the boot entry go back to the one that was live.
      nix-env -p "$system_profile" --switch-generation "$from" >&2
      resolve_link "$system_profile-$from-link"
      timeout -k 5 "$1" "$resolved/bin/switch-to-configuration" boot >&2
      case $activated in 124 | 137) exit "$exit_activation_timed_out" ;; *) exit "$exit_activation_failed" ;; esac
    else
      verified=0
    fi
    profile_generation
    printf 'current=%s\ngeneration=%s\n' "$current" "$generation"
    if [ "$verified" = 0 ]; then
      echo "the rollback to $target (generation $earlier) did not take: $current_system_link is '$current', the profile at generation $generation" >&2
      exit "$exit_host_failure"
    fi
    ;;
  *)
    echo "usage: nixdeploy-live state|rollback TIMEOUT WAIT" >&2
    exit "$exit_usage"
    ;;
esac
