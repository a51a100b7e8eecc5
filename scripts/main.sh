#!/usr/bin/env bash
# The main job: the sample fleet end to end on local test hosts, on a fresh Debian machine.
#   1. install the prerequisites (nix-bin, OpenSSH, age, nginx, git) and pack the SDK into artifacts/feed
#   2. build samples/fleet (EvaluateBlueprint -> BuildClosures -> GenerateArtifacts)
#   3. start three local SSH test hosts (127.0.0.11-13:2222, each with its own /nix and /run)
#   4. deploy the fleet to them, deploy again (all unchanged), and print the deploy report
#   5. the quickstart: install dotnet-nixdeploy and the templates from the feed, dotnet new nixfleet,
#      dotnet nixdeploy deploy (to two of the hosts), dotnet nixdeploy status
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
echo "== the quickstart: the tool and templates from the feed, dotnet new nixfleet, deploy, status"
tools="$root/artifacts/main-tools"
rm -rf "$tools"
dotnet tool install NixDeploy.Tool --tool-path "$tools" --add-source "$root/artifacts/feed"
dotnet new install "$root"/artifacts/feed/NixDeploy.Templates.*.nupkg --debug:custom-hive "$tools/hive"
fleet="$hosts/quickstart"
mkdir -p "$fleet" && cd "$fleet"
dotnet new nixfleet --debug:custom-hive "$tools/hive" -n fleet --machines web-1,web-2 --profile server
# No internet here: the SDK comes from the local feed, nixpkgs from the stand-in. The git-ignored local layer
# (fleet.nixdeploy.user) points the machines at the test hosts and holds the deployer's key.
cat > NuGet.config <<CONF
<configuration><packageSources><clear /><add key="local" value="$root/artifacts/feed" /></packageSources></configuration>
CONF
cat > fleet.nixdeploy.user <<CONF
<Project>
  <PropertyGroup>
    <NixDeploySshIdentityFile>$hosts/deployer_ed25519</NixDeploySshIdentityFile>
    <NixDeploySshKnownHostsFile>$hosts/known_hosts</NixDeploySshKnownHostsFile>
  </PropertyGroup>
  <ItemGroup>
    <NixDeployOverrideInput Include="nixpkgs" Url="path:$root/samples/nixos-standin" />
    <NixDeployMachineOverride Include="web-1" Addr="127.0.0.12" SshPort="2222" />
    <NixDeployMachineOverride Include="web-2" Addr="127.0.0.13" SshPort="2222" />
  </ItemGroup>
</Project>
CONF
git init -q && git add -A && git -c user.name=main -c user.email=main@nixdeploy.invalid commit -qm "dotnet new nixfleet"
"$tools/dotnet-nixdeploy" deploy
"$tools/dotnet-nixdeploy" status
cd "$root"
echo "== main job done"
