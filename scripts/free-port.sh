#!/usr/bin/env bash
# Prints a loopback TCP port nothing listens on now (from 20000-59999); a server started on it still fails cleanly
# if another process takes it first. For tests and benchmarks that start their own servers.
set -euo pipefail
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40000))
  if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then echo "$p"; exit 0; fi
done
echo "free-port.sh: found no free port" >&2
exit 1
