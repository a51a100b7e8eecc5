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

case "$cmd" in
  state)
    current_system
    profile_generation
    printf 'current=%s\ngeneration=%s\n' "$current" "$generation"
    ;;
  rollback) # ACTIVATION-TIMEOUT: to the generation before the profile's (the live one after a deploy)
    [ $# -eq 1 ] || exit "$exit_usage"
    take_deploy_lock
    profile_generation
    from=$generation
    [ -n "$from" ] || { echo "the host has no system profile ($system_profile)" >&2; exit "$exit_no_earlier_generation"; }
    earlier=
    for link in "$system_profile"-*-link; do
      [ -e "$link" ] || continue
      n=${link#"$system_profile"-}; n=${n%-link}
      if [ "$n" -lt "$from" ] && { [ -z "$earlier" ] || [ "$n" -gt "$earlier" ]; }; then earlier=$n; fi
    done
    [ -n "$earlier" ] || { echo "generation $from is the host's oldest system generation" >&2; exit "$exit_no_earlier_generation"; }
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
    echo "usage: nixdeploy-live state|rollback TIMEOUT" >&2
    exit "$exit_usage"
    ;;
esac
