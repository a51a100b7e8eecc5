#!/usr/bin/env bash
# The main job: the sample fleet end to end on local test hosts, on a fresh Debian machine.
#   1. install the prerequisites (nix-bin, OpenSSH, age, nginx, git) and pack the SDK into artifacts/feed
#   2. build samples/fleet (EvaluateBlueprint -> BuildClosures -> GenerateArtifacts)
#   3. start three local SSH test hosts (127.0.0.11-13:2222, each with its own /nix and /run)
#   4. deploy the fleet to them, deploy again (all unchanged), and print the deploy report
# The hosts are stopped when the script ends, also on failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/install-prereqs.sh
. scripts/nix-env.sh

echo "== pack the SDK"
rm -rf artifacts/feed
dotnet pack NixDeploy.Sdk.sln -c Release -nologo -v:q
# The SDK resolver caches a package version once it has seen it: use a private folder for the freshly packed one.
export NUGET_PACKAGES="$root/artifacts/main-packages"
rm -rf "$NUGET_PACKAGES"

project=samples/fleet/fleet.nixdeploy
echo "== build the sample fleet"
dotnet build "$project" -nodeReuse:false -nologo
echo "--- samples/fleet/bin/nixdeploy/deployment.json"
cat samples/fleet/bin/nixdeploy/deployment.json

hosts=$(mktemp -d /tmp/nixdeploy-main-hosts.XXXXXX)
trap 'bash tests/hosts/stop-hosts.sh --dir "$hosts"; rm -rf "$hosts"' EXIT
echo "== start 3 local test hosts"
bash tests/hosts/start-hosts.sh --dir "$hosts" --count 3 --first 11 --port 2222

deploy() {
  dotnet build "$project" -t:Deploy -nodeReuse:false -nologo \
    -p:NixDeploySshIdentityFile="$hosts/deployer_ed25519" \
    -p:NixDeploySshKnownHostsFile="$hosts/known_hosts"
}
echo "== deploy"
deploy
echo "--- samples/fleet/bin/nixdeploy/deploy-report.json"
cat samples/fleet/bin/nixdeploy/deploy-report.json
echo "== deploy again: every machine is already at its closure"
deploy
echo "--- samples/fleet/bin/nixdeploy/deploy-report.json"
cat samples/fleet/bin/nixdeploy/deploy-report.json
echo "== main job done"
