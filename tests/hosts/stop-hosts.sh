#!/usr/bin/env bash
# Stops the test hosts started by start-hosts.sh --dir DIR:
#   stop-hosts.sh --dir DIR [--listeners-only]
# Kills every process living in DIR's hosts (see host-processes.sh), sshd first so no new session
# starts, then TERM, then KILL what is left. Safe to run twice, or on a DIR whose hosts are gone.
# --listeners-only stops just each host's listening sshd and waits until it is gone: the hosts' open
# connections and sessions live on, as a machine's do while its sshd restarts or is replaced
# (start-hosts.sh --replace).
# The mounts live only in the hosts' mount namespaces, so they vanish with the last process.
# DIR itself (keys, logs, the hosts' stores) is left for the caller to inspect or delete.
set -euo pipefail

usage() { echo "usage: stop-hosts.sh --dir DIR [--listeners-only]" >&2; exit 2; }

dir='' listeners_only=''
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
    --listeners-only) listeners_only=1; shift ;;
    *) usage ;;
  esac
done
[ -n "$dir" ] || usage
[ -d "$dir" ] || exit 0
dir=$(cd "$dir" && pwd)

# shellcheck source-path=SCRIPTDIR source=host-processes.sh
. "$(dirname "${BASH_SOURCE[0]}")/host-processes.sh"

pids() { host_processes "$dir" | cut -d' ' -f1; }

# sshd first (by pid file, checked against the host, since a stale pid may have been reused).
listeners=()
for pidfile in "$dir"/host*/sshd.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if [[ "$pid" =~ ^[0-9]+$ ]] && [ "/proc/$pid/root/nix" -ef "$(dirname "$pidfile")/nix" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    listeners+=("$pid")
  fi
done

if [ -n "$listeners_only" ]; then
  # Gone once it is a zombie too (nobody may reap it soon): its listening socket is closed by then.
  for pid in ${listeners[@]+"${listeners[@]}"}; do
    for ((i = 0; i < 50; i++)); do
      state=Z
      [ -r "/proc/$pid/stat" ] && read -r _ _ state _ < "/proc/$pid/stat" 2>/dev/null
      [ "$state" != Z ] || break
      sleep 0.1
    done
    [ "$state" = Z ] || { echo "stop-hosts.sh: sshd $pid in $dir did not exit" >&2; exit 1; }
  done
  rm -f "$dir"/host*/sshd.pid
  exit 0
fi

# Then everything else, until nothing is left (bounded: TERM for 2 s, then KILL for 3 s more).
for ((i = 0; i < 50; i++)); do
  left=$(pids)
  [ -n "$left" ] || break
  if [ "$i" -lt 20 ]; then signal=TERM; else signal=KILL; fi
  # shellcheck disable=SC2086 # one pid per word
  kill -s "$signal" $left 2>/dev/null || true
  sleep 0.1
done
left=$(pids)
if [ -n "$left" ]; then
  echo "stop-hosts.sh: processes still alive in $dir after KILL: ${left//$'\n'/ }" >&2
  exit 1
fi
rm -f "$dir"/host*/sshd.pid
