#!/usr/bin/env bash
# Checks that scripts/install-prereqs.sh leaves the test hosts all they need on a fresh machine:
#   check-fresh-machine.sh --dir DIR --first N --port PORT
# In a private mount namespace it hides what earlier work leaves on a machine and a new one lacks:
#   /etc/nix (Debian's nix-bin does not create it), /nix (store, profiles), root's ~/.ssh, ~/.cache (nix's caches),
#   ~/.local, ~/.config and ~/.nix-*, and /run (no sshd has ever run: no /run/sshd).
# There it runs install-prereqs.sh, starts one host on 127.0.0.N:PORT with start-hosts.sh, logs in to it and stops
# it, printing what it finds; it exits non-zero at the first step that fails.
# The packages are not hidden (that takes a whole new root: scripts/fresh-machine.sh). install-prereqs.sh runs once
# outside first, so that inside it never installs one: the package's /etc files would vanish with the namespace.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ "${1:-}" != --in-namespace ]; then
  bash "$repo/scripts/install-prereqs.sh"
  exec unshare --mount --propagation private bash "${BASH_SOURCE[0]}" --in-namespace "$@"
fi
shift

usage() { echo "usage: check-fresh-machine.sh --dir DIR --first N --port PORT" >&2; exit 2; }
dir='' first='' port=''
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --dir) dir=$2 ;;
    --first) first=$2 ;;
    --port) port=$2 ;;
    *) usage ;;
  esac
  shift 2
done
if [ -z "$dir" ] || [ -z "$first" ] || [ -z "$port" ]; then usage; fi

# A fresh /run, which also holds the layers below: nothing is left behind when the namespace ends.
mount -t tmpfs -o mode=755 tmpfs /run
# DIR as an overlay in which the NAMEs do not exist (a character device 0:0 is overlayfs's whiteout).
hide() {
  local dir=$1 layer=/run/fresh-machine$1
  shift
  mkdir -p "$layer/upper" "$layer/work"
  for name in "$@"; do mknod "$layer/upper/$name" c 0 0; done
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$layer/upper,workdir=$layer/work" "$dir"
}
hide /etc nix
hide /root .ssh .cache .local .config .nix-profile .nix-defexpr .nix-channels
if [ -d /nix ]; then mount -t tmpfs tmpfs /nix; fi

present() { if [ -e "$1" ]; then echo present; else echo absent; fi; }
echo "before install-prereqs.sh: /etc/nix $(present /etc/nix), /nix/store $(present /nix/store), /root/.ssh $(present /root/.ssh)"
bash "$repo/scripts/install-prereqs.sh"
echo "after install-prereqs.sh: /etc/nix $(present /etc/nix)"

trap 'bash "$here/stop-hosts.sh" --dir "$dir"' EXIT
bash "$here/start-hosts.sh" --dir "$dir" --count 1 --first "$first" --port "$port"
echo "host 127.0.0.$first:$port: $(ssh -F "$dir/ssh_config" "127.0.0.$first" nix-store --version)"
trap - EXIT
bash "$here/stop-hosts.sh" --dir "$dir"
echo "host stopped"
