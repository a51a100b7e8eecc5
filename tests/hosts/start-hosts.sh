#!/usr/bin/env bash
# Starts N local test hosts that look like separate NixOS machines to a deployer:
#   start-hosts.sh --dir DIR --count N [--first 11] [--port 2222] [--timeout 30] [--replace]
#                  [--non-root-users [--untrusting-daemon I]] [--session-env NAME=VALUE]...
# Host i is an OpenSSH sshd on 127.0.0.(first+i-1):PORT, running in its own mount namespace where
#   /nix      = DIR/hostI/nix      (its own empty store, own /nix/var/nix/profiles)
#   /run      = DIR/hostI/run      (so its own /run/current-system; run/sshd for privilege separation)
#   /etc/nix  = DIR/hostI/etc-nix  (nix.conf for single-user nix as root, no substituters)
#   /root     = DIR/hostI/root     (root's ~/.cache/nix etc. stay per host)
# Everything else (/usr, /tmp, ...) is the real machine's: these are not containers.
# Every run starts from fresh hosts and fresh keys. It writes into DIR:
#   deployer_ed25519(.pub)  the deployer's client key, authorised on every host (authorized_keys)
#   known_hosts             "[127.0.0.x]:PORT ssh-ed25519 ..." for StrictHostKeyChecking=yes
#   ssh_config              all of the above: ssh -F DIR/ssh_config 127.0.0.11, NIX_SSHOPTS="-F DIR/ssh_config"
#   hosts.json              [{ "name", "addr", "port", "hostKeyPub", "pid", "dir" }]
#   hostI/ssh_host_ed25519_key(.pub)  the host key (also the host's age identity/recipient)
#   hostI/sshd.pid, hostI/sshd.log, hostI/sshd_config
# Returns once every host accepts an SSH login (or fails, stopping what it started).
# --session-env NAME=VALUE (repeatable) sets that variable in every SSH session of the hosts (sshd's SetEnv): how a
# test gives the host programs an environment of its own (a registries.conf, a DOCKER_HOST) without a product option;
# PATH=... replaces the hosts' default PATH.
# Stop with stop-hosts.sh --dir DIR.
# --replace replaces DIR's running hosts as a reinstalled machine at the same address would be: it stops
# only their listening sshd (their open connections and sessions live on), moves each hostI aside to
# hostI.replacedN (where stop-hosts.sh still finds and stops what lives in it) and starts new, empty
# hosts with new host keys. The deployer's key stays authorised; known_hosts gets the new keys.
# --non-root-users makes the hosts multi-user Nix machines with non-root logins (non-root deploys): each host runs
# its own nix-daemon (on its own /nix; sessions get NIX_REMOTE=daemon) whose nix.conf trusts root and deploy, except
# host I's with --untrusting-daemon I (root only). The machine's users deploy (passwordless sudo, and doas where
# opendoas is installed) and nosudo (no rights) are created once, shared by all hosts (they share /etc); both log in
# with the deployer's key. Without it, nothing of this exists in the hosts.
set -euo pipefail

usage() { echo "usage: start-hosts.sh --dir DIR --count N [--first 11] [--port 2222] [--timeout 30] [--replace] [--non-root-users [--untrusting-daemon I]] [--session-env NAME=VALUE]..." >&2; exit 2; }
die() { echo "start-hosts.sh: $*" >&2; exit 1; }

dir='' count='' first=11 port=2222 timeout=30 replace='' non_root='' untrusting=0 extra_env='' host_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
while [ $# -gt 0 ]; do
  if [ "$1" = --replace ]; then replace=1; shift; continue; fi
  if [ "$1" = --non-root-users ]; then non_root=1; shift; continue; fi
  [ $# -ge 2 ] || usage
  case "$1" in
    --dir) dir=$2 ;;
    --count) count=$2 ;;
    --first) first=$2 ;;
    --port) port=$2 ;;
    --timeout) timeout=$2 ;;
    --untrusting-daemon) untrusting=$2 ;;
    --session-env)
      [[ "$2" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]\"]*$ ]] || die "--session-env needs NAME=VALUE without spaces or quotes, not '$2'"
      # PATH replaces the hosts' default PATH (sshd takes one SetEnv line, the first value of a name).
      if [[ "$2" == PATH=* ]]; then host_path=${2#PATH=}; else extra_env+=" $2"; fi ;;
    *) usage ;;
  esac
  shift 2
done
if [ -z "$dir" ] || [ -z "$count" ]; then usage; fi
for v in count first port timeout untrusting; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "--$v must be a whole number, not '${!v}'"
done
[ "$count" -ge 1 ] || die "--count must be at least 1"
if [ "$first" -lt 1 ] || [ $((first + count - 1)) -gt 254 ]; then
  die "addresses 127.0.0.$first.. for $count hosts do not fit in 127.0.0.1-254"
fi
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then die "--port must be from 1 to 65535"; fi
[ "$untrusting" -eq 0 ] || [ -n "$non_root" ] || die "--untrusting-daemon needs --non-root-users"
[ "$(id -u)" -eq 0 ] || die "must run as root (mount namespaces, sshd)"
tools=(/usr/sbin/sshd ssh ssh-keygen unshare setsid nix-store)
[ -z "$non_root" ] || tools+=(nix-daemon sudo useradd visudo flock)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || die "$tool not found: run scripts/install-prereqs.sh"
done
# /etc/nix is a mount point in the hosts; nix-bin ships it.
[ -d /etc/nix ] || die "/etc/nix does not exist: run scripts/install-prereqs.sh"
# Without PAM, sshd refuses every login to an account whose password is locked ("!").
[[ "$(getent shadow root | cut -d: -f2)" != '!'* ]] || die "root's password is locked (! in /etc/shadow): sshd without PAM refuses root logins"

dir=$(realpath -m "$dir")
# NIX_SSHOPTS and sshd_config split on whitespace; hosts.json is written without escaping.
[[ "$dir" != *[[:space:]\"\'\\]* ]] || die "--dir must not contain spaces, quotes or backslashes: $dir"
# The hosts must still see DIR (keys, config) after /nix, /run, /etc/nix and /root are replaced.
for m in /nix /run /etc/nix /root; do
  case "$dir/" in "$m"/*) die "--dir must not be under $m (it is replaced inside the hosts)" ;; esac
done
mkdir -p "$dir"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=host-processes.sh
. "$here/host-processes.sh"
# The machine's users deploy and nosudo, for --non-root-users. They are the machine's, as /etc is: each is created
# once, marked as the harness's, and a user of that name the harness did not create is never touched (it could be a
# real account). Password "*": not locked, so sshd without PAM lets them in, and no password logs in.
test_user_mark='NixDeploy test host user'
ensure_test_users() {
  local user
  for user in deploy nosudo; do
    if ! getent passwd "$user" > /dev/null; then
      useradd --create-home --shell /bin/sh --comment "$test_user_mark" --password '*' "$user" ||
        getent passwd "$user" > /dev/null || die "cannot create the test user $user"
    fi
    [ "$(getent passwd "$user" | cut -d: -f5)" = "$test_user_mark" ] ||
      die "the machine has a user '$user' that start-hosts.sh did not create; --non-root-users will not change it"
  done
  local sudoers=/etc/sudoers.d/nixdeploy-test-hosts
  if [ ! -e "$sudoers" ]; then
    echo 'deploy ALL=(root) NOPASSWD: ALL' > "$sudoers.tmp"
    chmod 440 "$sudoers.tmp"
    visudo -cqf "$sudoers.tmp" || die "visudo refused $sudoers.tmp"
    mv -f "$sudoers.tmp" "$sudoers"
  fi
  if command -v doas > /dev/null && ! grep -qx 'permit nopass deploy as root' /etc/doas.conf 2> /dev/null; then
    echo 'permit nopass deploy as root' >> /etc/doas.conf
    chmod 600 /etc/doas.conf
  fi
}
if [ -n "$non_root" ]; then
  # Test classes start their hosts side by side: one creates the users, the others wait for it.
  mkdir -p /run/lock
  exec 7> /run/lock/nixdeploy-test-users.lock
  flock 7
  ensure_test_users
  exec 7>&-
fi

if [ -n "$replace" ]; then
  [ -f "$dir/deployer_ed25519" ] || die "--replace: no hosts were started in $dir"
else
  [ -z "$(host_processes "$dir")" ] || die "hosts are already running in $dir: run stop-hosts.sh --dir $dir first"
fi

# From here on, a failure (or Ctrl-C) stops whatever was started.
started_ok=
cleanup() { [ -n "$started_ok" ] || "$here/stop-hosts.sh" --dir "$dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$replace" ]; then
  "$here/stop-hosts.sh" --dir "$dir" --listeners-only
  for h in "$dir"/host[0-9]*; do
    [[ "$h" =~ /host[0-9]+$ ]] || continue
    n=1
    while [ -e "$h.replaced$n" ]; do n=$((n + 1)); done
    mv "$h" "$h.replaced$n"
  done
  rm -f "$dir"/hosts.json
else
  # Fresh hosts every run (also drops hosts of an earlier, larger run).
  rm -rf "$dir"/host[0-9]* "$dir"/deployer_ed25519 "$dir"/deployer_ed25519.pub "$dir"/hosts.json
  ssh-keygen -q -t ed25519 -N '' -C deployer -f "$dir/deployer_ed25519"
  cp "$dir/deployer_ed25519.pub" "$dir/authorized_keys"
fi
cat > "$dir/ssh_config" <<CONF
Host *
  User root
  Port $port
  IdentityFile $dir/deployer_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
CONF

addr_of() { echo "127.0.0.$((first + $1 - 1))"; }

# Prepares and launches host $1; run in the background, one per host: on a loaded machine each
# process start costs ~10 ms (so builtins are used where they can be) and a host takes ~0.1 s.
launch_host() {
  local i=$1 h="$dir/host$1" addr="127.0.0.$((first + $1 - 1))" key_type key
  mkdir -p "$h/nix" "$h/run/sshd" "$h/etc-nix" "$h/root"
  chmod 700 "$h/root"
  ssh-keygen -q -t ed25519 -N '' -C "host$i" -f "$h/ssh_host_ed25519_key"
  read -r key_type key _ < "$h/ssh_host_ed25519_key.pub"
  echo "[$addr]:$port $key_type $key" > "$h/known_hosts.line"
  cat > "$h/etc-nix/nix.conf" <<CONF
experimental-features = nix-command flakes
sandbox = false
substituters =
build-users-group =
CONF
  local session_env='' allow_users='' daemon=''
  if [ -n "$non_root" ]; then
    if [ "$i" -eq "$untrusting" ]; then echo 'trusted-users = root' >> "$h/etc-nix/nix.conf"; else echo 'trusted-users = root deploy' >> "$h/etc-nix/nix.conf"; fi
    # sshd takes the first SetEnv line only, so NIX_REMOTE joins PATH's.
    session_env=' NIX_REMOTE=daemon'
    allow_users='AllowUsers root deploy nosudo'
    daemon=1
  fi
  cat > "$h/sshd_config" <<CONF
ListenAddress $addr:$port
HostKey $h/ssh_host_ed25519_key
# The harness records sshd's pid itself: sshd rewriting the same file raced with the script reading it.
PidFile none
AuthorizedKeysFile $dir/authorized_keys
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
# DIR may be group-writable or in /tmp.
StrictModes no
# No pty sessions: those would write utmp/wtmp/lastlog in the real machine's /var/log.
PermitTTY no
PrintMotd no
PrintLastLog no
UseDNS no
# INFO logs one "Accepted publickey" line per connection, which tests count.
LogLevel INFO
# Parallel deploys open many connections and sessions at once.
MaxStartups 100
MaxSessions 100
# sshd's default PATH for root (/usr/local/sbin:...:/usr/bin:/sbin:/bin) already holds nix; be explicit.
SetEnv PATH=$host_path$session_env$extra_env
Subsystem sftp internal-sftp
$allow_users
CONF
  # setsid: own session, so the caller's Ctrl-C or hangup does not reach the host.
  # unshare + sh + sshd -D exec one another, so $! is sshd's pid.
  # shellcheck disable=SC2016 # $1 expands in the host's sh
  setsid unshare --mount --propagation private sh -c '
    mount --bind "$1/nix" /nix &&
    mount --bind "$1/run" /run &&
    mount --bind "$1/etc-nix" /etc/nix &&
    mount --bind "$1/root" /root &&
    if [ -n "$2" ]; then nix-daemon < /dev/null >> "$1/nix-daemon.log" 2>&1 & fi &&
    exec /usr/sbin/sshd -D -e -f "$1/sshd_config"' sh "$h" "$daemon" < /dev/null > "$h/sshd.log" 2>&1 &
  echo $! > "$h/sshd.pid"
}

launches=()
for ((i = 1; i <= count; i++)); do
  launch_host "$i" &
  launches+=("$!")
done
for pid in "${launches[@]}"; do
  wait "$pid" || die "preparing a host failed (see above)"
done
for ((i = 1; i <= count; i++)); do
  cat "$dir/host$i/known_hosts.line"
done > "$dir/known_hosts"
rm -f "$dir"/host*/known_hosts.line

# A process is gone once it is a zombie (bash reaps it later), not only when kill -0 fails.
alive() {
  local state
  [ -r "/proc/$1/stat" ] && read -r _ _ state _ < "/proc/$1/stat" 2>/dev/null && [ "$state" != Z ]
}

# curve25519 alone: OpenSSH 9's default sntrup761 key exchange costs ~0.1 s of CPU per side.
# With --non-root-users, a host is ready once its nix-daemon listens.
ready_check='command -v nix-store >/dev/null'
[ -z "$non_root" ] || ready_check="$ready_check && [ -S /nix/var/nix/daemon-socket/socket ]"
ssh_check() {
  ssh -F "$dir/ssh_config" -o ConnectTimeout=2 -o KexAlgorithms=curve25519-sha256 "127.0.0.$((first + $1 - 1))" \
    "$ready_check" \
    > "$dir/host$1/ready.log" 2>&1
}

# Wait until every host accepts a login and finds nix; the checks of one round run in parallel.
mapfile -t pending < <(seq 1 "$count")
deadline=$((SECONDS + timeout))
while [ "${#pending[@]}" -gt 0 ]; do
  for i in "${pending[@]}"; do
    read -r pid < "$dir/host$i/sshd.pid"
    alive "$pid" ||
      die "host$i ($(addr_of "$i"):$port) exited: $(tr '\n' ' ' < "$dir/host$i/sshd.log")"
  done
  checks=()
  for i in "${pending[@]}"; do
    ssh_check "$i" &
    checks+=("$i:$!")
  done
  still=()
  for c in "${checks[@]}"; do
    wait "${c#*:}" || still+=("${c%%:*}")
  done
  pending=(${still[@]+"${still[@]}"})
  [ "${#pending[@]}" -eq 0 ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    i=${pending[0]}
    die "host$i ($(addr_of "$i"):$port) does not accept SSH logins after ${timeout}s: $(tr '\n' ' ' < "$dir/host$i/ready.log")(${#pending[@]} host(s) not ready)"
  fi
  sleep 0.2
done

{
  echo "["
  for ((i = 1; i <= count; i++)); do
    sep=,; [ "$i" -lt "$count" ] || sep=
    read -r pid < "$dir/host$i/sshd.pid"
    read -r key_type key _ < "$dir/host$i/ssh_host_ed25519_key.pub"
    printf '  { "name": "host%d", "addr": "127.0.0.%d", "port": %d, "hostKeyPub": "%s %s", "pid": %d, "dir": "%s" }%s\n' \
      "$i" $((first + i - 1)) "$port" "$key_type" "$key" "$pid" "$dir/host$i" "$sep"
  done
  echo "]"
} > "$dir/hosts.json.tmp"
mv "$dir/hosts.json.tmp" "$dir/hosts.json"
rm -f "$dir"/host*/ready.log
started_ok=1
echo "started $count host(s) on $(addr_of 1)..$(addr_of "$count") port $port; ssh -F $dir/ssh_config $(addr_of 1); stop with: $here/stop-hosts.sh --dir $dir"
