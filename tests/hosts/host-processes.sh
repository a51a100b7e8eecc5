# shellcheck shell=bash
# Sourced by start-hosts.sh and stop-hosts.sh.
#
# host_processes DIR: prints "PID HOSTDIR" for every process that lives in one of DIR's test hosts.
# A process belongs to DIR/hostI when its /nix is DIR/hostI/nix (seen through /proc/PID/root, i.e.
# in the process's own mount namespace). This finds sshd, its sessions and anything they left
# behind (a hanging switch-to-configuration, a deploy's watchdog), whatever their process group or
# session, and never matches a process of the real machine or of another DIR. A container a host's podman
# started (a workload) has a root of its own: it is found as a child of its conmon, which lives in the host.
host_processes() {
  local dir=$1 self_ns=/proc/self/ns/mnt p h stat rest ppid
  local hosts=()
  local -A found=()
  for h in "$dir"/host*/nix; do
    [ -d "$h" ] && hosts+=("$h")
  done
  [ "${#hosts[@]}" -gt 0 ] || return 0
  for p in /proc/[0-9]*; do
    # Processes in our own mount namespace see the real /nix: skip them cheaply (test -ef is a builtin).
    [ "$p/ns/mnt" -ef "$self_ns" ] && continue
    for h in "${hosts[@]}"; do
      if [ "$p/root/nix" -ef "$h" ]; then
        echo "${p#/proc/} ${h%/nix}"
        found[${p#/proc/}]=${h%/nix}
        break
      fi
    done
  done
  [ "${#found[@]}" -gt 0 ] || return 0
  for p in /proc/[0-9]*; do
    [ -z "${found[${p#/proc/}]:-}" ] || continue
    # The parent is the field after the command, which is in parentheses and may hold spaces.
    read -r stat 2>/dev/null < "$p/stat" || continue
    rest=${stat##*) }
    read -r _ ppid _ <<< "$rest"
    [ -z "${found[$ppid]:-}" ] || echo "${p#/proc/} ${found[$ppid]}"
  done
}
