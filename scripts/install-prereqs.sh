#!/usr/bin/env bash
# Installs what NixDeploy.Sdk's samples, tests and benchmarks need on a fresh Debian 12, as root.
# Idempotent: when everything is present it only runs dpkg-query and returns.
# Services are never started: the test harness starts its own sshd instances.
set -euo pipefail

# The suite lints every shell script with shellcheck, loads the tool's completion scripts into zsh and fish, and
# checks the server module's unit with systemd-analyze (package systemd; a container image may lack it); the control
# plane's TLS test makes its certificate with openssl (usually there already, through ca-certificates); the test hosts'
# non-root deploys escalate with sudo and doas (opendoas). Workloads run in podman with runc (crun and systemd cgroups
# do not work here); their test images hold the static busybox, and hosts check a workload's health with curl; the
# registry source is tested against docker-registry and the docker runtime against docker.io's dockerd (both started by
# the tests on loopback, without iptables or a bridge, never as the machine's services).
packages=(nix-bin openssh-server openssh-client age nginx git shellcheck zsh fish systemd openssl sudo opendoas podman runc busybox-static curl docker-registry docker.io)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-prereqs.sh: must run as root" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Refresh package lists only when there are none or they are older than a day.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit 2>/dev/null)" ]; then
    apt-get update -qq
  fi
  # policy-rc.d exit 101 tells the packages' maintainer scripts not to start sshd/nginx.
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$created_policy" ] || { rm -f /usr/sbin/policy-rc.d; trap - EXIT; }
fi

# Single-user nix as root creates the store itself, but only if /nix exists and is writable.
# Debian's nix-bin does not create /etc/nix; the test hosts mount their own nix.conf over it.
mkdir -p /nix /etc/nix
