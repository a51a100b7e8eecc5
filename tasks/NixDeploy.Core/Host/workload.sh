# shellcheck shell=sh disable=SC2154
# SC2154: the names this program uses but does not set come from lib.sh, which is put in front of it when it is sent;
# Core/HostProgramTests runs shellcheck over lib.sh and this file together, where every name must be defined.
# NixDeploy's workloads on a target host (applications beside the NixOS system), run over SSH under the deploy lock as:
# sh -c WORKLOAD nixdeploy-workload COMMAND ARGS... (WORKLOAD is lib.sh and this file).
#
# Each workload NAME has a folder $workload_root/NAME: current/ describes the running instance (runtime, image or
# bundle, address, port, the CLI's options, run options, environment and command, one word a line, its fingerprint and
# digest). A container runs as nixdeploy-NAME; a systemd unit is nixdeploy-NAME.service in /run/systemd/system. podman
# keeps its images and containers under the host's own $container_root and $container_runroot.

# Sets dir to workload NAME's folder; the name is checked, as it becomes a path and a container name.
workload_dir() { # NAME
  case "$1" in
    '' | -* | *[!A-Za-z0-9_-]*) echo "nixdeploy-workload: bad workload name '$1'" >&2; exit "$exit_usage" ;;
  esac
  name=$1
  dir=$workload_root/$1
}

# Runs the container CLI of instance folder SPEC with its global options (SPEC/options, one a line) and then ARGS.
ctl() { # SPEC ARGS...
  ctl_spec=$1
  shift
  ctl_count=$#
  while IFS= read -r word; do set -- "$@" "$word"; done < "$ctl_spec/options"
  # The options go first: rotate the ARGS behind them.
  while [ "$ctl_count" -gt 0 ]; do
    set -- "$@" "$1"
    shift
    ctl_count=$((ctl_count - 1))
  done
  read -r ctl_runtime < "$ctl_spec/runtime"
  "$ctl_runtime" "$@"
}

# Whether the instance of SPEC runs (as container or unit CONTAINER).
running() { # SPEC CONTAINER
  read -r running_runtime < "$1/runtime" || return 1
  if [ "$running_runtime" = systemd ]; then
    systemctl is-active --quiet "$2.service"
  else
    [ "$(ctl "$1" container inspect --format '{{.State.Running}}' "$2" 2>/dev/null)" = true ]
  fi
}

# Whether systemd manages this host (it is pid 1): elsewhere (a chroot, a container) systemctl may ignore a start
# and still exit 0.
systemd_runs() {
  [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] || { echo "systemd is not running on this host (pid 1 is not systemd)" >&2; return 1; }
}

# Starts the instance of SPEC as CONTAINER (a container, or a unit written to $systemd_unit_dir).
start_instance() { # SPEC CONTAINER
  read -r start_runtime < "$1/runtime"
  read -r start_address < "$1/address"
  read -r start_port < "$1/port"
  if [ "$start_runtime" = systemd ]; then
    write_unit "$1" "$2" && systemd_runs || return
    systemctl daemon-reload >&2 && systemctl start "$2.service" >&2
    return
  fi
  read -r start_image < "$1/image"
  start_spec=$1 start_name=$2
  set -- run -d --name "$start_name" --network host --env "NIXDEPLOY_ADDRESS=$start_address"
  [ -z "$start_port" ] || set -- "$@" --env "PORT=$start_port"
  while IFS= read -r word; do set -- "$@" --env "$word"; done < "$start_spec/env"
  while IFS= read -r word; do set -- "$@" "$word"; done < "$start_spec/run-options"
  set -- "$@" "$start_image"
  while IFS= read -r word; do set -- "$@" "$word"; done < "$start_spec/command"
  ctl "$start_spec" "$@" >&2
}

# Writes SPEC's unit UNIT.service: its bundle's command with the environment, restarted when it exits.
write_unit() { # SPEC UNIT
  read -r unit_bundle < "$1/bundle"
  mkdir -p "$systemd_unit_dir" || return
  {
    printf '[Unit]\nDescription=NixDeploy workload %s\n\n[Service]\n' "$name"
    printf 'WorkingDirectory=%s\n' "$unit_bundle"
    printf 'Environment="NIXDEPLOY_ADDRESS=%s"\n' "$start_address"
    [ -z "$start_port" ] || printf 'Environment="PORT=%s"\n' "$start_port"
    while IFS= read -r word; do printf 'Environment="%s"\n' "$word"; done < "$1/env"
    printf 'ExecStart='
    unit_first=1
    while IFS= read -r word; do
      if [ "$unit_first" = 1 ]; then word=$unit_bundle/$word; unit_first=0; fi
      printf '"%s" ' "$word"
    done < "$1/command"
    printf '\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n'
  } > "$systemd_unit_dir/$2.service.tmp" && mv -f "$systemd_unit_dir/$2.service.tmp" "$systemd_unit_dir/$2.service"
}

# Stops and removes the instance of SPEC named CONTAINER; nothing to do when there is none.
remove_instance() { # SPEC CONTAINER
  [ -e "$1/runtime" ] || return 0
  read -r remove_runtime < "$1/runtime"
  if [ "$remove_runtime" = systemd ]; then
    systemctl stop "$2.service" >&2 2>/dev/null
    rm -f "$systemd_unit_dir/$2.service"
    return 0
  fi
  ctl "$1" rm -f "$2" > /dev/null 2>&1 || :
}

# Stops the instance of SPEC named CONTAINER and keeps it (stopped) as CONTAINER-previous, to start again on a rollback.
set_aside() { # SPEC CONTAINER
  read -r aside_runtime < "$1/runtime"
  if [ "$aside_runtime" = systemd ]; then
    systemctl stop "$2.service" >&2
    return
  fi
  ctl "$1" rm -f "$2-previous" > /dev/null 2>&1
  ctl "$1" stop "$2" > /dev/null 2>&1 || :
  ctl "$1" rename "$2" "$2-previous" >&2
}

# Starts the set-aside previous instance of SPEC again as CONTAINER.
restore_previous() { # SPEC CONTAINER
  read -r restore_runtime < "$1/runtime"
  if [ "$restore_runtime" = systemd ]; then
    write_unit "$1" "$2" && systemd_runs && systemctl daemon-reload >&2 && systemctl start "$2.service" >&2
    return
  fi
  ctl "$1" rename "$2-previous" "$2" >&2 && ctl "$1" start "$2" > /dev/null
}

# GETs http://ADDRESS:PORT/PATH every INTERVAL s until it answers 2xx (succeeds) or TIMEOUT s have gone by.
health_check() { # ADDRESS PORT PATH INTERVAL TIMEOUT
  case "$1" in *:*) check_host="[$1]" ;; *) check_host=$1 ;; esac
  uptime_seconds
  check_deadline=$((now + $5))
  while :; do
    curl -fsS -o /dev/null --max-time "$4" "http://$check_host:$2$3" 2>/dev/null && return 0
    uptime_seconds
    [ "$now" -lt "$check_deadline" ] || return 1
    sleep "$4"
  done
}

# Reads the new instance's lists from stdin, one "KIND WORD" a line (option, run-option, env, command), into SPEC.
read_lists() { # SPEC
  : > "$1/options" && : > "$1/run-options" && : > "$1/env" && : > "$1/command" || return
  while IFS= read -r line; do
    case "${line%% *}" in
      option) printf '%s\n' "${line#* }" >> "$1/options" ;;
      run-option) printf '%s\n' "${line#* }" >> "$1/run-options" ;;
      env) printf '%s\n' "${line#* }" >> "$1/env" ;;
      command) printf '%s\n' "${line#* }" >> "$1/command" ;;
      *) echo "nixdeploy-workload: unknown input line '${line%% *}'" >&2; return 1 ;;
    esac
  done
}

# Loads SOURCE (an image archive, or a pinned registry image) with the CLI of SPEC and records the image in SPEC/image;
# for systemd, extracts the bundle tar (once per digest) and records its folder in SPEC/bundle.
load() { # SPEC SOURCE KIND(build|fetch|registry) DIGEST
  read -r load_runtime < "$1/runtime"
  if [ "$load_runtime" = systemd ]; then
    load_bundle=$dir/bundle-${4#sha256:}
    if [ ! -d "$load_bundle" ]; then
      if ! { mkdir -p "$load_bundle.tmp" && tar -xf "$2" -C "$load_bundle.tmp" >&2 && mv "$load_bundle.tmp" "$load_bundle"; }; then
        rm -rf "$load_bundle.tmp"
        return 1
      fi
    fi
    printf '%s\n' "$load_bundle" > "$1/bundle"
    return
  fi
  if [ "$3" = registry ]; then
    ctl "$1" pull "$2" >&2 && printf '%s\n' "$2" > "$1/image"
    return
  fi
  load_output=$(ctl "$1" load -i "$2") || { printf '%s\n' "$load_output" >&2; return 1; }
  # "Loaded image: REF", "Loaded image(s): REF" (podman), "Loaded image ID: sha256:..." (docker without a tag).
  load_image=$(printf '%s\n' "$load_output" | sed -n 's/^Loaded image[^:]*: *//p' | tail -n 1)
  [ -n "$load_image" ] || { echo "the archive loaded no image: $load_output" >&2; return 1; }
  printf '%s\n' "${load_image%%,*}" > "$1/image"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  status) # [--health] one line per workload on this host: NAME FINGERPRINT DIGEST RUNNING(0|1) HEALTHY(1|0, - unchecked)
    for spec in "$workload_root"/*/current; do
      [ -e "$spec/fingerprint" ] || continue
      name=${spec%/current}
      name=${name##*/}
      read -r fingerprint < "$spec/fingerprint"
      read -r digest < "$spec/digest"
      if running "$spec" "nixdeploy-$name"; then up=1; else up=0; fi
      healthy=-
      if [ "${1:-}" = --health ] && read -r check_path check_port _ < "$spec/check" 2>/dev/null && [ -n "$check_path" ]; then
        read -r address < "$spec/address"
        if health_check "$address" "$check_port" "$check_path" 2 0; then healthy=1; else healthy=0; fi
      fi
      printf 'workload %s %s %s %s %s\n' "$name" "$fingerprint" "$digest" "$up" "$healthy"
    done
    ;;

  deploy) # NAME FINGERPRINT RUNTIME KIND DIGEST SOURCE ADDRESS PORT CHECK-PATH CHECK-PORT CHECK-INTERVAL CHECK-TIMEOUT; lists on stdin
    [ $# -eq 12 ] || exit "$exit_usage"
    workload_dir "$1"
    fingerprint=$2 runtime=$3 kind=$4 digest=$5 source=$6 address=$7 port=$8 check_path=$9
    shift 9
    check_port=$1 check_interval=$2 check_timeout=$3
    new=$dir/new
    rm -rf "$new" && mkdir -p "$new" || exit "$exit_host_failure"
    printf '%s\n' "$runtime" > "$new/runtime" && printf '%s\n' "$address" > "$new/address" && printf '%s\n' "$port" > "$new/port" \
      && printf '%s\n' "$digest" > "$new/digest" && printf '%s %s\n' "$check_path" "$check_port" > "$new/check" || exit "$exit_host_failure"
    read_lists "$new" || exit "$exit_usage"
    # podman keeps this host's containers in the host's own folders, whatever else runs podman on the machine.
    if [ "$runtime" = podman ]; then
      { printf -- '--root\n%s\n--runroot\n%s\n' "$container_root" "$container_runroot"; cat "$new/options"; } > "$new/options.all" \
        && mv -f "$new/options.all" "$new/options" || exit "$exit_host_failure"
    fi
    # The deliverable is checked before anything stops: a file that is not the one built is refused.
    if [ "$kind" != registry ]; then
      [ -f "$source" ] || { echo "the deliverable $source is not on this host" >&2; exit "$exit_workload_digest_mismatch"; }
      actual=$(sha256sum "$source") && actual=${actual%% *}
      if [ "sha256:$actual" != "$digest" ]; then
        echo "the deliverable $source has digest sha256:$actual, not $digest: refused, nothing was stopped" >&2
        exit "$exit_workload_digest_mismatch"
      fi
    fi
    if [ "$runtime" = systemd ]; then tool=systemctl; else tool=$runtime; fi
    for needed in "$tool" curl; do
      command -v "$needed" > /dev/null || { echo "$needed is not installed on this host; nothing was stopped" >&2; exit "$exit_workload_runtime_missing"; }
    done
    load "$new" "$source" "$kind" "$digest" || { echo "loading $source failed; nothing was stopped" >&2; exit "$exit_workload_load_failed"; }
    container=nixdeploy-$name
    current=$dir/current
    had_previous=0
    if [ -e "$current/runtime" ]; then
      had_previous=1
      set_aside "$current" "$container" || { echo "stopping the running $name failed" >&2; exit "$exit_workload_start_failed"; }
    fi
    printf 'stopped=%s\n' "$had_previous"
    failed=''
    start_instance "$new" "$container" || failed="starting it failed"
    if [ -z "$failed" ]; then
      if [ -n "$check_path" ]; then
        health_check "$address" "$check_port" "$check_path" "$check_interval" "$check_timeout" \
          || failed="its health check (http://$address:$check_port$check_path) did not answer 2xx within $check_timeout s"
      else
        sleep 1
        running "$new" "$container" || failed="it exited at once"
      fi
    fi
    if [ -z "$failed" ]; then
      printf '%s\n' "$fingerprint" > "$new/fingerprint" || exit "$exit_host_failure"
      [ "$had_previous" = 0 ] || [ "$runtime" = systemd ] || ctl "$current" rm -f "$container-previous" > /dev/null 2>&1
      rm -rf "$dir/previous" && { [ ! -e "$current" ] || mv "$current" "$dir/previous"; } && mv "$new" "$current" && rm -rf "$dir/previous" \
        || exit "$exit_host_failure"
      printf 'result=deployed\n'
      exit "$exit_ok"
    fi
    echo "the new $name: $failed" >&2
    # What it printed (a container's last lines; the unit that was written, where systemd could not start it).
    if [ "$runtime" = systemd ]; then cat "$systemd_unit_dir/$container.service" >&2; else ctl "$new" logs --tail 20 "$container" >&2 2>&1; fi
    remove_instance "$new" "$container"
    rm -rf "$new"
    if [ "$had_previous" = 0 ]; then
      exit "$exit_workload_start_failed"
    fi
    if restore_previous "$current" "$container" && sleep 1 && running "$current" "$container"; then
      printf 'result=rolled-back\n'
      exit "$exit_workload_rolled_back"
    fi
    echo "starting the previous $name again failed" >&2
    exit "$exit_workload_rollback_failed"
    ;;

  remove) # NAME: stops and forgets a workload this host no longer runs
    [ $# -eq 1 ] || exit "$exit_usage"
    workload_dir "$1"
    remove_instance "$dir/current" "nixdeploy-$name"
    rm -rf "$dir"
    ;;

  *)
    echo "usage: nixdeploy-workload status|deploy|remove ..." >&2
    exit "$exit_usage"
    ;;
esac
