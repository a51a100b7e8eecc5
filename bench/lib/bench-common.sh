# shellcheck shell=bash
# Shared helpers for the bench/ scripts: timing, medians, ratios with limits, and a project per fleet.
# Source it after setting $root to the repository root.
: "${root:?set root to the repository root before sourcing bench-common.sh}"

. "$root/scripts/nix-env.sh"
bench_failed=0

bench_require_feed() {
  ls "$root"/artifacts/feed/NixDeploy.Sdk.*.nupkg > /dev/null 2>&1 \
    || { echo "No SDK package: run 'dotnet pack $root/NixDeploy.Sdk.sln -c Release' first." >&2; exit 2; }
}

bench_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Runs a command (output discarded) and prints how long it took in ms; fails the bench if the command fails.
bench_time_ms() {
  local start
  start=$(bench_now_ms)
  "$@" > /dev/null 2>&1 || { echo "FAIL: $* exited non-zero" >&2; exit 1; }
  echo $(( $(bench_now_ms) - start ))
}

# bench_salt FLEET TEXT: a new text in the generated fleet's common module, so every toplevel is new.
bench_salt() {
  sed -i "s/generated benchmark fleet.*\"/generated benchmark fleet $2\"/" "$1/modules/common.nix"
  (cd "$1" && git add -A)
}

# bench_range VALUES...: the smallest and the largest, as MIN-MAX (the spread beside a median).
bench_range() { printf '%s\n' "$@" | sort -n | sed -n '1p;$p' | paste -sd- -; }

# The 1-minute load average now: what else the machine runs shows there.
bench_load() { cut -d' ' -f1 /proc/loadavg; }

bench_median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# bench_ratio LABEL NUMERATOR DENOMINATOR [LIMIT]: prints the ratio and, with a limit, whether it holds.
bench_ratio() {
  local verdict=""
  if [ -n "${4:-}" ]; then
    if awk -v a="$2" -v b="$3" -v l="$4" 'BEGIN { exit !(a / b <= l) }'; then verdict="  (limit $4: ok)"
    else verdict="  (limit $4: EXCEEDED)"; bench_failed=1; fi
  fi
  awk -v label="$1" -v a="$2" -v b="$3" -v v="$verdict" 'BEGIN { printf "  %-55s %6.2f%s\n", label, a / b, v }'
}

bench_verdict() {
  if [ "$bench_failed" -eq 0 ]; then echo "bench: all limits hold"; else echo "bench: a limit was exceeded"; exit 1; fi
}

# A fleet.nixdeploy (plus NuGet.config and global.json) that resolves the SDK from the repository's feed.
bench_write_project() {
  local version
  version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)
  cat > "$1/fleet.nixdeploy" <<XML
<Project Sdk="NixDeploy.Sdk/$version" />
XML
  cat > "$1/NuGet.config" <<XML
<configuration><packageSources><clear /><add key="feed" value="$root/artifacts/feed" /></packageSources></configuration>
XML
  printf 'bin/\nobj/\n' > "$1/.gitignore"
}
