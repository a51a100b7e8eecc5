# shellcheck shell=sh
# NixDeploy's host library (POSIX sh), put in front of every host program (agent.sh, watchdog.sh, live.sh,
# placement.sh, workload.sh) when it is loaded: hosts need nothing installed beyond what NixOS has (flock, setsid, timeout, nix-env).
# The functions set variables instead of printing, and use builtins where they can: a deploy calls them many times on
# every host, where a subshell or a process (readlink, date) costs more than the rest of the work.
set -u

# The protocol with the deployer, each name once: Host/HostProtocol.cs holds the same names and values (a test
# compares them), and the programs use only these names.
# shellcheck disable=SC2034 # not every program uses every name
{
  state_root=/run/nixdeploy
  pull_root=/run/nixdeploy-pull
  system_profile=/nix/var/nix/profiles/system
  current_system_link=/run/current-system
  booted_system_link=/run/booted-system
  workload_root=/nix/var/nixdeploy/workloads
  container_root=/nix/var/nixdeploy/containers
  container_runroot=/run/nixdeploy/containers
  systemd_unit_dir=/run/systemd/system
  log_follows=nixdeploy-log-follows
  exit_ok=0
  exit_usage=64
  exit_no_earlier_generation=66
  exit_host_failure=70
  exit_locked=75
  exit_escalation_refused=77
  exit_watchdog_pending=76
  exit_profile_not_set=80
  exit_activation_failed=81
  exit_activation_timed_out=82
  exit_boot_entry_failed=83
  exit_confirmation_too_late=84
  exit_rollback_unfinished=85
  exit_workload_digest_mismatch=90
  exit_workload_load_failed=91
  exit_workload_start_failed=92
  exit_workload_rolled_back=93
  exit_workload_rollback_failed=94
  exit_workload_runtime_missing=95
}

# Files placed under the deploy lock before any activation, listed one a line; see keep_file.
# shellcheck disable=SC2034 # the watchdog has its deploy's own list
pending_kept=$state_root/kept-files

# Sets resolved to LINK fully resolved (cd -P resolves like readlink -f, without a process), or to nothing when LINK
# does not exist.
resolve_link() { # LINK
  resolved=
  [ -e "$1" ] || return 0
  resolve_from=$PWD
  cd -P "$1" && resolved=$PWD
  cd "${resolve_from:-/}" || cd /
}

# Sets current to the live system, or to nothing when there is none.
current_system() {
  resolve_link "$current_system_link"
  current=$resolved
}

# Sets generation to the system profile's generation number (system -> system-7-link), or to nothing without a profile.
# shellcheck disable=SC2034 # not every program reads it
profile_generation() {
  generation=
  link=$(readlink "$system_profile" 2>/dev/null) || return 0
  link=${link#system-}
  generation=${link%-link}
}

# Takes the host's deploy lock (fd 9) for as long as this program runs; the kernel drops it when the program ends,
# however it ends, so it cannot go stale. Exits with exit_locked when another deploy or rollback holds it.
take_deploy_lock() {
  [ -d "$state_root" ] || mkdir -p "$state_root" || exit "$exit_host_failure"
  exec 9>>"$state_root/deploy.lock"
  flock -n 9 && return 0
  echo "another deploy or rollback on this host is running (it holds $state_root/deploy.lock)" >&2
  exit "$exit_locked"
}

# Takes the deploy lock for a deploy (take_deploy_lock), refused while the watchdog of an unconfirmed deploy is armed;
# files placed by a deploy that never activated belong to no system, so the live one gets its own back first.
lock_for_deploy() {
  take_deploy_lock
  # A watchdog lives only for a deploy whose state directory exists (a confirmation removes it), so without one
  # there is no watchdog lock to probe.
  set -- "$state_root"/*/
  if [ -d "$1" ] && ! watchdog_gone 0; then
    echo "the watchdog of an unconfirmed deploy is still armed on this host; it rolls back or is confirmed within its deadline" >&2
    exit "$exit_watchdog_pending"
  fi
  if ! restore_kept "$pending_kept"; then
    echo "cannot put back the files a deploy that was not activated replaced (listed in $pending_kept)" >&2
    exit "$exit_host_failure"
  fi
}

# Sets now to the whole seconds since boot: deadlines are compared on one boot only, as /run is emptied by the next.
uptime_seconds() {
  read -r now _ < /proc/uptime
  now=${now%.*}
}

# The watchdog reads its deadline at any time, so it is replaced atomically; the other state files are written
# before the watchdog starts or under the step lock it takes before reading them.
write_deadline() { # DIR SECONDS-SINCE-BOOT
  printf '%s\n' "$2" > "$1/deadline.tmp.$$" && mv -f "$1/deadline.tmp.$$" "$1/deadline"
}

# Wakes the watchdog of DIR (it re-reads the deadline and the claim) until it has claimed the deploy or exited.
# A wake-up can arrive just before the watchdog starts to sleep, so it is repeated.
wake_watchdog() { # DIR
  read -r pid 2>/dev/null < "$1/watchdog.pid" || return 0
  i=0
  while [ "$i" -lt 100 ]; do
    if watchdog_gone 0; then return 0; fi
    owner=
    if [ -d "$1/claim" ] && read -r owner 2>/dev/null < "$1/claim/owner" && [ "$owner" = watchdog ]; then return 0; fi
    kill -USR1 "$pid" 2>/dev/null || return 0
    watchdog_gone 0.1 && return 0
    i=$((i + 1))
  done
}

# Whether no watchdog holds its lock, waiting up to SECONDS for it to let go (the lock is tried on fd 8, then closed).
watchdog_gone() { # SECONDS
  exec 8>>"$state_root/watchdog.lock"
  if [ "$1" = 0 ]; then flock -n 8; else flock -w "$1" 8; fi
  gone=$?
  exec 8>&-
  return $gone
}

# Has the watchdog of DIR roll back now, unless the deploy is claimed already, and waits up to SECONDS for it to end
# (the agent's rollback of a failed deploy, dotnet nixdeploy rollback of an unconfirmed one). Sets result to its
# result (rolled-back or rollback-failed); fails when it did not end in time.
# shellcheck disable=SC2034 # result is read by the callers
roll_back_now() { # DIR SECONDS
  [ -d "$1/claim" ] || write_deadline "$1" 0
  wake_watchdog "$1"
  watchdog_gone "$2" || return
  result=
  read -r result 2>/dev/null < "$1/result"
}

# The files a step replaces on a host before activation (artifact placement): each replaced file is kept (hard-linked,
# so owner, group and mode stay) as .NAME.nixdeploy-previous beside it, or .NAME.nixdeploy-absent marks that there was
# none; the paths are listed one a line in a manifest, first $pending_kept, which the agent's activate moves into its
# deploy's state directory. A rollback puts them back with restore_kept; a confirmation forgets them with drop_kept.
kept_names() { # PATH: sets kept_previous and kept_absent
  kept_previous="${1%/*}/.${1##*/}.nixdeploy-previous"
  kept_absent="${1%/*}/.${1##*/}.nixdeploy-absent"
}

# Keeps PATH (or that it is absent) before it is replaced; a copy left from an earlier deploy is replaced.
keep_file() { # PATH
  kept_names "$1"
  rm -f "$kept_previous" "$kept_absent" || return 1
  if [ -e "$1" ]; then ln -f "$1" "$kept_previous"; else : > "$kept_absent"; fi
}

# Puts every kept file of MANIFEST back by rename (atomic per file) and removes the ones that were added, then
# forgets MANIFEST. Fails, keeping MANIFEST, if any file could not be put back. No MANIFEST (empty): nothing to do.
restore_kept() { # MANIFEST
  [ -n "$1" ] && [ -e "$1" ] || return 0
  kept_failed=0
  while IFS= read -r kept_path; do
    kept_names "$kept_path"
    if [ -e "$kept_previous" ]; then
      mv -f "$kept_previous" "$kept_path" || kept_failed=1
    elif [ -e "$kept_absent" ]; then
      rm -f "$kept_path" && rm -f "$kept_absent" || kept_failed=1
    fi
  done < "$1"
  [ "$kept_failed" -eq 0 ] && rm -f "$1"
}

# The placed files stay: removes the copies kept for a rollback, and MANIFEST.
drop_kept() { # MANIFEST
  [ -e "$1" ] || return 0
  while IFS= read -r kept_path; do
    kept_names "$kept_path"
    rm -f "$kept_previous" "$kept_absent"
  done < "$1"
  rm -f "$1"
}

# Points the system profile back from generation FROM at GENERATION (no GENERATION: removes the profile, there was
# none) and deletes FROM when DISPOSAL is discard; nothing to do without a FROM, or when it is GENERATION (nix-env --set of
# the profile's own system adds no generation). Output goes to stderr; fails when the profile could not be moved.
profile_back_to() { # GENERATION FROM DISPOSAL(keep|discard)
  [ -n "$2" ] && [ "$2" != "$1" ] || return 0
  if [ -z "$1" ]; then
    rm -f "$system_profile" "$system_profile-$2-link"
    return
  fi
  nix-env -p "$system_profile" --switch-generation "$1" >&2 || return
  [ "$3" != discard ] || nix-env -p "$system_profile" --delete-generations "$2" >&2 || :
}

# The host's one rollback, run by the watchdog (a deploy's, also when the deployer asks for it) and by live.sh
# (dotnet nixdeploy rollback): returns the host from generation FROM of the system profile to SYSTEM, generation
# GENERATION. The files of the manifest KEPT come back first, as they were before SYSTEM was left; then the profile
# points at GENERATION (no GENERATION: the profile is removed, there was none) and FROM is deleted when DISPOSAL is
# discard; SYSTEM is activated with test and, when BOOT is 1, made the boot entry (no SYSTEM: nothing stays live).
# Commands' output goes to stderr, each step to the caller's log function. Sets activated to test's exit status and
# succeeds only when the files are back, the profile is at GENERATION, and SYSTEM activated and is live.
rollback_to() { # SYSTEM GENERATION KEPT BOOT(0|1) ACTIVATION-TIMEOUT FROM DISPOSAL(keep|discard)
  rollback_ok=1
  if restore_kept "$3"; then files=restored; else files=not-restored rollback_ok=0; fi
  log "files placed before activation: $files"
  if [ -n "$6" ] && [ "$6" != "$2" ]; then
    profile_back_to "$2" "$6" "$7"
    profile_status=$?
    log "profile back to generation ${2:-none} (exit $profile_status)"
    [ "$profile_status" = 0 ] || rollback_ok=0
  fi
  activated=0
  if [ -n "$1" ]; then
    timeout -k 5 "$5" "$1/bin/switch-to-configuration" test >&2
    activated=$?
    log "activated $1 (exit $activated)"
    if [ "$4" = 1 ]; then
      timeout -k 5 "$5" "$1/bin/switch-to-configuration" boot >&2
      log "boot entry back to $1 (exit $?)"
    fi
  else
    rm -f "$current_system_link"
    log "removed $current_system_link (no previous system)"
  fi
  current_system
  [ "$current" = "$1" ] && [ "$activated" = 0 ] && [ "$rollback_ok" = 1 ]
}
