# shellcheck shell=sh disable=SC2154
# SC2154: the names this program uses but does not set come from lib.sh, which is put in front of it when it is sent;
# Core/HostProgramTests runs shellcheck over lib.sh and this file together, where every name must be defined.
# NixDeploy's agent on a target host, run over SSH as: sh -c AGENT nixdeploy-agent COMMAND ARGS... (AGENT is lib.sh and
# this file). Every argument arrives shell-quoted by the deployer. Its exit codes are the protocol (lib.sh's exit_*).

set_deadline() { # DIR SECONDS-FROM-NOW
  uptime_seconds
  write_deadline "$1" $(( now + $2 ))
}

# Sets reboot to 1 when SYSTEM boots another kernel, initrd or kernel command line than the host runs (comin's
# need_to_reboot), else 0. What runs is /run/booted-system, which NixOS links at boot; on a host without it, REFERENCE
# (the live system before a deploy). A host with neither runs no kernel of SYSTEM's. Builtins only: test -ef (POSIX
# since 2024; dash, bash and busybox have it) compares the files the links resolve to; kernel-params is one line.
# shellcheck disable=SC3013
reboot_required() { # SYSTEM REFERENCE
  reboot=1
  booted=$2
  [ -e "$booted_system_link" ] && booted=$booted_system_link
  [ -n "$booted" ] || return 0
  for boot_file in kernel initrd; do
    if [ -e "$booted/$boot_file" ] || [ -e "$1/$boot_file" ]; then
      [ "$booted/$boot_file" -ef "$1/$boot_file" ] || return 0
    fi
  done
  booted_params='' system_params=''
  read -r booted_params 2>/dev/null < "$booted/kernel-params"
  read -r system_params 2>/dev/null < "$1/kernel-params"
  [ "$booted_params" = "$system_params" ] || return 0
  reboot=0
}

# Sets dir to the state directory of deploy TOKEN, and log_file to its log: what switch-to-configuration and the
# health checks printed, kept on the host (beside the directory, which a confirmation removes) until the deployer
# fetches it with the log command.
state_dir() { # TOKEN
  case "$1" in
    '' | *[!A-Za-z0-9-]*) echo "nixdeploy-agent: bad deploy token '$1'" >&2; exit "$exit_usage" ;;
  esac
  dir=$state_root/$1
  log_file=$state_root/$1.log
}

# Runs COMMAND... under timeout -k KILL SECONDS and appends its output to the deploy's log, between a heading and its
# exit status, in one go once it ended (health checks run side by side); also on stderr when it fails (for the
# deployer's error message) or when ECHO is 1 (its output is the result). Sets status to its exit status.
# The output waits in the deploy's state directory while there is one, which goes with it (no rm each step).
logged() { # HEADING ECHO(0|1) KILL SECONDS COMMAND...
  logged_heading=$1 logged_echo=$2
  shift 2
  logged_output=$log_file.$$
  [ ! -d "$dir" ] || logged_output=$dir/output.$$
  timeout -k "$@" > "$logged_output" 2>&1
  status=$?
  { printf '== %s\n' "$logged_heading"; cat "$logged_output"; printf '== exit %s\n' "$status"; } >> "$log_file"
  if [ "$status" != 0 ] || [ "$logged_echo" = 1 ]; then cat "$logged_output" >&2; fi
  [ -d "$dir" ] || rm -f "$logged_output"
}

# Prints the deploy's log and removes it from the host (the deployer keeps it); nothing when there is none.
print_log() {
  [ -e "$log_file" ] || return 0
  cat "$log_file" && rm -f "$log_file"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  status)
    current_system
    printf 'current=%s\n' "$current"
    ;;

  lock)
    # Held for as long as the deployer keeps this session's stdin open (the read loop at the end).
    lock_for_deploy
    current_system
    # For a deploy that finds its closure live already (nothing else runs then).
    reboot_required "$current" "$current"
    # The system the profile (so the next boot) holds: a deploy of mode boot or switch compares it too.
    resolve_link "$system_profile"
    printf 'locked\nreboot=%s\nprofile=%s\ncurrent=%s\n' "$reboot" "$resolved" "$current"
    while read -r _; do :; done
    ;;

  activate) # TOKEN CLOSURE ACTIVATION-TIMEOUT ARM-SECONDS AFTER-SECONDS WATCHDOG-SCRIPT (empty: no rollback) MODE(switch|test)
    [ $# -eq 7 ] || exit "$exit_usage"
    state_dir "$1"
    closure=$2 timeout_s=$3 arm_s=$4 after_s=$5 watchdog=$6 mode=$7
    mkdir -p "$dir" || exit "$exit_host_failure"
    # From here the files placed for this deploy are its own: its rollback restores them, its confirmation keeps them.
    if [ -e "$pending_kept" ]; then mv -f "$pending_kept" "$dir/kept-files" || exit "$exit_host_failure"; fi
    current_system
    previous=$current
    profile_generation
    printf '%s\n' "$previous" > "$dir/previous" && printf '%s\n' "$generation" > "$dir/previous-generation" \
      && printf '%s\n' "$closure" > "$dir/closure" || exit "$exit_host_failure"
    printf 'previous=%s\n' "$previous"
    # The watchdog waits for a step in progress before it rolls back.
    exec 7>>"$dir/step.lock"
    flock 7
    if [ -n "$watchdog" ]; then
      # Written in place: no watchdog reads it yet (later deadlines are replaced atomically, see write_deadline).
      uptime_seconds
      printf '%s\n' $(( now + arm_s )) > "$dir/deadline" || exit "$exit_host_failure"
      exec 8>>"$state_root/watchdog.lock"
      flock -n 8 || exit "$exit_watchdog_pending"
      # Detached from this session (own session, no inherited terminal, no pipe of the session): it outlives the
      # deployer. It inherits fd 8, so the watchdog lock is held exactly as long as the watchdog lives. Its fd 3 is
      # this command substitution's pipe, which it closes once its pid is published and it can take a wake-up: the
      # substitution returns then, or as soon as it died, without polling.
      : "$(setsid sh -c "$watchdog" nixdeploy-watchdog "$dir" "$timeout_s" 3>&1 < /dev/null >> "$dir/watchdog.log" 2>&1 7>&- &)"
      exec 8>&-
      [ -s "$dir/watchdog.pid" ] || { echo "the rollback watchdog did not start" >&2; exit "$exit_host_failure"; }
      echo armed
    fi
    # Mode test leaves the profile (so the next boot) as it is, as nixos-rebuild test does: no generation to forget.
    if [ "$mode" = switch ]; then
      if ! nix-env -p "$system_profile" --set "$closure" >&2; then
        echo "nix-env -p $system_profile --set $closure failed" >&2
        exit "$exit_profile_not_set"
      fi
      profile_generation
      printf '%s\n' "$generation" > "$dir/new-generation" || exit "$exit_host_failure"
    fi
    logged "switch-to-configuration test ($closure)" 0 5 "$timeout_s" "$closure/bin/switch-to-configuration" test
    case $status in
      0) ;;
      124 | 137) echo "switch-to-configuration test did not finish within $timeout_s s and was killed" >&2; exit "$exit_activation_timed_out" ;;
      *) echo "switch-to-configuration test exited $status" >&2; exit "$exit_activation_failed" ;;
    esac
    if [ -n "$watchdog" ]; then
      # One wake-up is enough: a watchdog that misses it re-reads the deadline when its old one comes.
      set_deadline "$dir" "$after_s" || exit "$exit_host_failure"
      read -r pid < "$dir/watchdog.pid" && kill -USR1 "$pid" 2>/dev/null
    fi
    reboot_required "$closure" "$previous"
    current_system
    # The deployer confirms only when this is the closure: switch-to-configuration can exit 0 without switching.
    printf 'reboot=%s\ncurrent=%s\n' "$reboot" "$current"
    ;;

  finish) # TOKEN CLOSURE ACTIVATION-TIMEOUT ARMED(0|1) MODE(switch|test): boot entry (switch), then the confirmation that disarms the watchdog
    [ $# -eq 5 ] || exit "$exit_usage"
    state_dir "$1"
    closure=$2 timeout_s=$3 armed=$4 mode=$5
    exec 7>>"$dir/step.lock"
    flock 7
    if [ "$armed" = 1 ] && [ -d "$dir/claim" ]; then exit "$exit_confirmation_too_late"; fi
    if [ "$mode" = switch ]; then
      : > "$dir/boot-started"
      logged "switch-to-configuration boot ($closure)" 0 5 "$timeout_s" "$closure/bin/switch-to-configuration" boot
      [ "$status" = 0 ] || exit "$exit_boot_entry_failed"
    fi
    if [ "$armed" = 1 ]; then
      # mkdir is atomic: either this confirmation or the watchdog's rollback claims the deploy, never both.
      mkdir "$dir/claim" 2>/dev/null || exit "$exit_confirmation_too_late"
      printf 'deployer\n' > "$dir/claim/owner"
      wake_watchdog "$dir"
    fi
    drop_kept "$dir/kept-files"
    current_system
    printf 'current=%s\n' "$current"
    exec 7>&-
    rm -rf "$dir"
    # The deploy is over and its log complete: it follows the result, so fetching it takes no session of its own.
    printf '%s\n' "$log_follows"
    print_log || :
    ;;

  extend) # TOKEN SECONDS: the watchdog's deadline becomes SECONDS from now (a healthy machine waiting for its wave), unless it claimed the deploy already
    [ $# -eq 2 ] || exit "$exit_usage"
    state_dir "$1"
    [ -d "$dir" ] || { echo "no deploy $1 on this host" >&2; exit "$exit_host_failure"; }
    exec 7>>"$dir/step.lock"
    flock 7
    if [ -d "$dir/claim" ]; then exit "$exit_confirmation_too_late"; fi
    # A later deadline needs no wake-up: the watchdog re-reads it when the old one comes.
    set_deadline "$dir" "$2" || exit "$exit_host_failure"
    ;;

  rollback) # TOKEN WAIT-SECONDS: has the watchdog roll back now (if it has not already) and waits for it
    [ $# -eq 2 ] || exit "$exit_usage"
    state_dir "$1"
    wait_s=$2
    [ -d "$dir" ] || { echo "no deploy $1 on this host" >&2; exit "$exit_host_failure"; }
    roll_back_now "$dir" "$wait_s" || exit "$exit_rollback_unfinished"
    { printf '== rollback (the watchdog'"'"'s log)\n'; cat "$dir/watchdog.log"; } >> "$log_file" 2>/dev/null
    printf 'result=%s\n' "$result"
    current_system
    printf 'current=%s\n' "$current"
    # A rolled-back deploy is over; the state of a failed rollback stays for inspection (watchdog.log).
    if [ "$result" = rolled-back ]; then rm -rf "$dir"; fi
    ;;

  boot) # TOKEN CLOSURE ACTIVATION-TIMEOUT: the profile and the boot entry at CLOSURE, nothing activated (it runs after a reboot)
    [ $# -eq 3 ] || exit "$exit_usage"
    state_dir "$1"
    closure=$2 timeout_s=$3
    profile_generation
    previous_generation=$generation
    if ! nix-env -p "$system_profile" --set "$closure" >&2; then
      restore_kept "$pending_kept"
      echo "nix-env -p $system_profile --set $closure failed" >&2
      exit "$exit_profile_not_set"
    fi
    profile_generation
    logged "switch-to-configuration boot ($closure)" 0 5 "$timeout_s" "$closure/bin/switch-to-configuration" boot
    if [ "$status" = 0 ]; then
      # The files placed for it are the next boot's: they stay, as nothing will roll this back.
      drop_kept "$pending_kept"
      resolve_link "$system_profile"
      printf 'profile=%s\n' "$resolved"
      exit "$exit_ok"
    fi
    echo "switch-to-configuration boot exited $status" >&2
    # Everything back as it was: the profile, the previous system's boot entry, the files placed for this one.
    profile_back_to "$previous_generation" "$generation" discard
    if [ -n "$previous_generation" ]; then
      resolve_link "$system_profile"
      logged "switch-to-configuration boot ($resolved, the previous system)" 0 5 "$timeout_s" "$resolved/bin/switch-to-configuration" boot
    fi
    restore_kept "$pending_kept"
    exit "$exit_boot_entry_failed"
    ;;

  dry-activate) # TOKEN CLOSURE ACTIVATION-TIMEOUT: prints (on stderr) what activating CLOSURE would change; changes nothing
    [ $# -eq 3 ] || exit "$exit_usage"
    state_dir "$1"
    logged "switch-to-configuration dry-activate ($2)" 1 5 "$3" "$2/bin/switch-to-configuration" dry-activate
    case $status in
      0) ;;
      124 | 137) echo "switch-to-configuration dry-activate did not finish within $3 s and was killed" >&2; exit "$exit_activation_timed_out" ;;
      *) echo "switch-to-configuration dry-activate exited $status" >&2; exit "$exit_activation_failed" ;;
    esac
    ;;

  check) # TOKEN SECONDS COMMAND: one attempt of a health check, its output in the deploy's log; exits as COMMAND does
    [ $# -eq 3 ] || exit "$exit_usage"
    state_dir "$1"
    logged "health check: $3" 0 1 "$2" sh -c "$3"
    exit "$status"
    ;;

  log) # TOKEN: prints the deploy's log and removes it from the host (the deployer keeps it)
    [ $# -eq 1 ] || exit "$exit_usage"
    state_dir "$1"
    print_log
    ;;

  keep-files) # the files placed under this lock stay though nothing is activated (the system is unchanged)
    [ $# -eq 0 ] || exit "$exit_usage"
    drop_kept "$pending_kept"
    ;;

  *)
    echo "usage: nixdeploy-agent status|lock|activate|finish|extend|rollback|boot|dry-activate|check|log|keep-files ..." >&2
    exit "$exit_usage"
    ;;
esac
