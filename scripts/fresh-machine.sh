#!/usr/bin/env bash
# A new user's first run, checked by hand (the suite does not run this: it takes a while and needs the package
# mirror). Builds a Debian 12 root with debootstrap from the mirror this machine's apt uses and gives it only
# what a new user has: the .NET SDK (this machine's, overlaid read-only), git, ca-certificates, and this machine's
# NuGet configuration, trusted CAs and resolv.conf (its network). Then, each in its own pristine copy of that root,
# a clean clone of this checkout's committed HEAD runs one of the README's two commands:
#   bash scripts/main.sh      bash scripts/test.sh
# Prints each command's outcome and exits non-zero if either failed. Run as root: bash scripts/fresh-machine.sh
# Everything runs in a private mount and pid namespace and is removed at the end, also on failure or Ctrl-C.
# The test hosts inside listen on 127.0.0.x:2222, the README's default: nothing else may use that port meanwhile.
set -euo pipefail

die() { echo "fresh-machine.sh: $*" >&2; exit 1; }

commands=(main test)
suite=bookworm

# The part inside the namespaces: pid 1 of its own pid namespace, so everything it starts dies with it.
if [ "${1:-}" = --in-namespace ]; then
  base=$2 repo=$3 head=$4 mirror=$5

  echo "== debootstrap $suite from $mirror"
  debian=$base/debian
  # The .NET SDK's own dependencies come with it on a new user's machine (Microsoft's packages depend on them).
  if ! debootstrap --variant=minbase --include=git,ca-certificates,libicu72,libssl3,libgssapi-krb5-2,zlib1g \
    "$suite" "$debian" "$mirror" > "$base/debootstrap.log" 2>&1; then
    tail -n 20 "$base/debootstrap.log" >&2
    die "debootstrap failed (the last lines are above)"
  fi
  # The same Debian sources as this machine (main, updates, security), without its other vendors' repositories.
  # shellcheck disable=SC2016 # $(...) is apt's own field syntax
  apt-get indextargets --format 'deb $(REPO_URI) $(RELEASE) $(COMPONENT)' 'Origin: Debian' 'Created-By: Packages' |
    sort -u > "$debian/etc/apt/sources.list"
  cp /etc/resolv.conf "$debian/etc/resolv.conf"
  # This machine's trusted CAs: its network may intercept TLS, and then NuGet fails without its CA.
  cp -a /usr/share/ca-certificates/. "$debian/usr/share/ca-certificates/"
  cp /etc/ca-certificates.conf "$debian/etc/ca-certificates.conf"
  if [ -d /usr/local/share/ca-certificates ]; then
    cp -a /usr/local/share/ca-certificates/. "$debian/usr/local/share/ca-certificates/"
  fi
  chroot "$debian" update-ca-certificates > /dev/null 2>&1
  if [ -f /root/.nuget/NuGet/NuGet.Config ]; then
    mkdir -p "$debian/root/.nuget/NuGet"
    cp /root/.nuget/NuGet/NuGet.Config "$debian/root/.nuget/NuGet/NuGet.Config"
  fi
  mkdir -p "$debian/usr/share/dotnet"
  ln -s ../share/dotnet/dotnet "$debian/usr/bin/dotnet"
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")

  # Runs "bash scripts/$1.sh" in a fresh copy of the root (an overlay over it) and records its outcome.
  failed=0
  run_readme_command() {
    local name=$1 dir=$base/$1 status=0
    local root=$dir/root
    mkdir -p "$dir/upper" "$dir/work" "$root" "$dir/dotnet-upper" "$dir/dotnet-work"
    mount -t overlay overlay -o "lowerdir=$debian,upperdir=$dir/upper,workdir=$dir/work" "$root"
    mount -t overlay overlay \
      -o "lowerdir=$dotnet_root,upperdir=$dir/dotnet-upper,workdir=$dir/dotnet-work" "$root/usr/share/dotnet"
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    # The control groups, mounted as a booted machine has them (dockerd and podman's runc need them).
    mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
    mount -t tmpfs -o mode=755 tmpfs "$root/run"
    git clone -q "$repo" "$root/root/NixDeploy.Sdk"
    git -C "$root/root/NixDeploy.Sdk" checkout -q -B main "$head"

    echo "== $name: bash scripts/$name.sh in a fresh Debian root"
    # The root becomes the root of a mount namespace (pivot_root): a chroot is not enough, because nix re-enters
    # its mount namespace before it runs git, and that resets the process's root to the namespace's.
    # A new user's clean environment, but this machine's NuGet setting (set where revocation servers are unreachable).
    # shellcheck disable=SC2016 # $1 and $@ expand in that bash
    unshare --mount --propagation private bash -c '
      cd "$1" && pivot_root . . && umount -l . && shift && exec /usr/bin/env -i -C /root/NixDeploy.Sdk "$@"' \
      fresh-root "$root" HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      ${NUGET_CERT_REVOCATION_MODE:+NUGET_CERT_REVOCATION_MODE="$NUGET_CERT_REVOCATION_MODE"} \
      bash "scripts/$name.sh" 2>&1 | tee "$dir/output.log" || status=$?
    # Whatever the command left running (a host, a build server) goes before the next command starts.
    kill -s KILL -1 2>/dev/null || true
    echo "$name: bash scripts/$name.sh exited $status: $(tail -n 1 "$dir/output.log")" >> "$base/outcomes"
    [ "$status" -eq 0 ] || failed=1
  }

  for name in "${commands[@]}"; do
    run_readme_command "$name"
  done
  echo "== outcomes on a fresh Debian 12 root (commit $head)"
  cat "$base/outcomes"
  exit "$failed"
fi

[ $# -eq 0 ] || { echo "usage: bash scripts/fresh-machine.sh" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, namespaces, pivot_root)"
command -v dotnet >/dev/null || die "dotnet is not on PATH: the fresh root gets this machine's .NET SDK"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
head=$(git -C "$repo" rev-parse HEAD)
[ -z "$(git -C "$repo" status --porcelain)" ] ||
  echo "fresh-machine.sh: uncommitted changes in $repo are not part of the run: it clones commit $head" >&2
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
# shellcheck disable=SC2016 # $(...) is apt's own field syntax
mirror=$(apt-get indextargets --format '$(REPO_URI)' "Codename: $suite" 'Label: Debian' | sort -u | head -n 1)
[ -n "$mirror" ] || die "this machine's apt has no Debian $suite source to take the mirror from (run apt-get update?)"

base=$(mktemp -d /var/tmp/nixdeploy-fresh.XXXXXX)
inner=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  # Killing unshare kills the namespace's pid 1 (--kill-child), and with it every process inside.
  if [ -n "$inner" ]; then
    kill -s KILL "$inner" 2>/dev/null || true
    wait "$inner" 2>/dev/null || true
  fi
  # The namespace's processes may take a moment to die and stop writing; its mounts were never visible here.
  for _ in $(seq 50); do
    rm -rf --one-file-system "$base" 2>/dev/null && return
    sleep 0.2
  done
  echo "fresh-machine.sh: could not remove $base" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# In the background, so that a signal reaches the trap above at once instead of after the whole run. With job control
# on (set -m): a non-interactive shell starts a plain background job with SIGINT ignored, which every process inside
# would inherit, and a new user's shell does not do that (the suite sends SIGINT to the tool).
set -m
unshare --mount --propagation private --pid --fork --kill-child --mount-proc \
  bash "${BASH_SOURCE[0]}" --in-namespace "$base" "$repo" "$head" "$mirror" &
inner=$!
set +m
status=0
wait "$inner" || status=$?
inner=
exit "$status"
