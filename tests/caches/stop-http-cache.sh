#!/usr/bin/env bash
# Stops a cache started by start-http-cache.sh --dir DIR, by the pid it recorded. Safe to run twice.
set -euo pipefail
{ [ "${1:-}" = --dir ] && [ $# -eq 2 ]; } || { echo "usage: stop-http-cache.sh --dir DIR" >&2; exit 2; }
pidfile="$2/nginx.pid"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
  # QUIT: the master stops its workers and exits; KILL if it has not after 2 s.
  kill -QUIT "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pidfile"
