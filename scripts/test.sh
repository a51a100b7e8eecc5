#!/usr/bin/env bash
# The project's one test command (README and CI): installs the prerequisites, packs this checkout's SDK into
# artifacts/feed, runs the test suite, and closes with one line "N passed, N failed, N skipped" read from the TRX.
# Exits non-zero when a test failed or the run broke. Needs the .NET 10 SDK and root (for the prerequisites).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() {
  echo "test.sh: $*" >&2
  exit 1
}

command -v dotnet >/dev/null || fail "dotnet is not on PATH: install the .NET 10 SDK first"

if [[ -f scripts/install-prereqs.sh ]]; then
  bash scripts/install-prereqs.sh
fi
if [[ -f scripts/nix-env.sh ]]; then
  # shellcheck source=scripts/nix-env.sh
  source scripts/nix-env.sh
fi

feed=artifacts/feed
results=artifacts/test-results
# Tests resolve NixDeploy.Sdk from the feed by version: a stale package of the same version must never answer.
rm -rf "$feed" "$results"

started=$SECONDS
dotnet pack NixDeploy.Sdk.sln -c Release -nologo || fail "dotnet pack NixDeploy.Sdk.sln failed: see the errors above"
echo "test.sh: packed $(cd "$feed" && ls -- *.nupkg) in $((SECONDS - started)) s"

started=$SECONDS
test_status=0
dotnet test tests/NixDeploy.Tests/NixDeploy.Tests.csproj -c Release --nologo \
  --logger "trx;LogFileName=NixDeploy.Tests.trx" --results-directory "$results" || test_status=$?
echo "test.sh: tests ran in $((SECONDS - started)) s"

trx=$results/NixDeploy.Tests.trx
[[ -f $trx ]] || fail "dotnet test exited $test_status and wrote no $trx: the run broke before any result"

# One attribute of the TRX's <Counters .../> element, e.g. count passed.
counters=$(grep -o '<Counters [^>]*>' "$trx") || fail "$trx has no <Counters>: the run broke"
count() {
  local value
  value=$(grep -o " $1=\"[0-9]*\"" <<<"$counters" | grep -o '[0-9][0-9]*') || value=0
  echo "$value"
}
passed=$(count passed)
failed=$(($(count failed) + $(count error) + $(count timeout) + $(count aborted)))
# VSTest counts skipped tests in total but not in executed (notExecuted stays 0).
skipped=$(($(count total) - $(count executed)))

broken=
if ((test_status != 0 && failed == 0)); then
  broken="dotnet test exited $test_status with no failed test: the run broke"
elif ((passed + failed == 0)); then
  broken="no test ran"
fi
[[ -z $broken ]] || echo "test.sh: $broken" >&2

echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0)) && [[ -z $broken ]]
