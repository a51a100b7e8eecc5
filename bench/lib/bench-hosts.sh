# shellcheck shell=bash
# The deploy benchmarks' test hosts and fleet (bench/deploy, bench/control-plane). Source it after bench-common.sh,
# with $count hosts at 127.0.0.$first.. on port $port, under $work ($hosts: the hosts' folder).
: "${root:?}" "${count:?}" "${first:?}" "${port:?}" "${work:?}"
hosts="$work/hosts"

# The generated fleet of $count machines, each reaching its host, with a health check that takes about a second,
# as a real service's readiness check might; sets $fleet.
bench_hosts_fleet() {
  fleet=$("$root/bench/lib/make-fleet.sh" "$count" "$work/fleet")
  sed -i 's|command = "grep -qx healthy|command = "sleep 1 \&\& grep -qx healthy|' "$fleet/flake.nix"
  grep -q 'sleep 1 && grep' "$fleet/flake.nix" || { echo "bench: could not set the 1 s health check in $fleet/flake.nix" >&2; exit 1; }
  # make-fleet.sh puts machine i at 127.0.0.(11+i); move the fleet to the hosts' block.
  awk -v first="$first" '{ if (match($0, /addr = "127\.0\.0\.[0-9]+"/)) { n = substr($0, RSTART + 16, RLENGTH - 17); $0 = substr($0, 1, RSTART - 1) "addr = \"127.0.0." (n - 11 + first) "\"" substr($0, RSTART + RLENGTH) } print }' \
    "$fleet/flake.nix" > "$fleet/flake.nix.tmp" && mv "$fleet/flake.nix.tmp" "$fleet/flake.nix"
  sed -i "s|sshPort = 2222;|sshPort = $port;|" "$fleet/flake.nix"
  bench_write_project "$fleet"
  (cd "$fleet" && git add -A)
}

# Stops the hosts (if any) and starts $count new ones with empty stores.
bench_fresh_hosts() {
  "$root/tests/hosts/stop-hosts.sh" --dir "$hosts" > /dev/null
  rm -rf "$hosts"
  "$root/tests/hosts/start-hosts.sh" --dir "$hosts" --count "$count" --first "$first" --port "$port" > /dev/null
}

bench_stop_hosts() {
  "$root/tests/hosts/stop-hosts.sh" --dir "$hosts" > /dev/null 2>&1 || echo "bench: stopping the hosts in $hosts failed" >&2
}

# bench_expect_report STATUS N: fails the bench unless N machines of the last deploy report have STATUS (a machine's
# own status, at its indentation: not its workloads').
bench_expect_report() {
  local report="$fleet/bin/nixdeploy/deploy-report.json" n
  n=$(grep -c "^      \"status\": \"$1\"" "$report" || true)
  [ "$n" -eq "$2" ] || { echo "FAIL: expected $2 machine(s) $1 in $report:" >&2; cat "$report" >&2; exit 1; }
}
