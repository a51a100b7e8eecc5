#!/usr/bin/env bash
# Starts a Nix binary cache over HTTP for tests and benchmarks: Debian's nginx serving DIR/cache with WebDAV PUT,
# on 127.0.0.1 only.
#   start-http-cache.sh --dir DIR [--port N] [--status CODE]
# --port 0 (the default) picks a free port. --status CODE makes every request answer CODE (e.g. 503), to test
# how clients handle a failing cache. Prints the cache's URL (http://127.0.0.1:PORT/cache-RANDOM) once it answers;
# writes DIR/nginx.pid (the master process) and DIR/url. Stop it with stop-http-cache.sh --dir DIR.
# The URL's path is new each time: Nix's disk cache (~/.cache/nix) remembers a URL's nix-cache-info for a week and its
# narinfos for a month, so a new cache on a port an earlier one had would be taken for it (nix copy uploads nothing).
set -euo pipefail

usage() { echo "usage: start-http-cache.sh --dir DIR [--port N] [--status CODE]" >&2; exit 2; }
die() { echo "start-http-cache.sh: $*" >&2; exit 1; }

dir='' port=0 status=''
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --dir) dir=$2 ;;
    --port) port=$2 ;;
    --status) status=$2 ;;
    *) usage ;;
  esac
  shift 2
done
[ -n "$dir" ] || usage
{ [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -le 65535 ]; } || die "--port must be a number from 0 to 65535"
[ -z "$status" ] || [[ "$status" =~ ^[1-5][0-9][0-9]$ ]] || die "--status must be an HTTP status code"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx not found: run scripts/install-prereqs.sh"
nginx=$(command -v nginx || echo /usr/sbin/nginx)

dir=$(realpath -m "$dir")
mkdir -p "$dir/cache" "$dir/tmp"
if [ -f "$dir/nginx.pid" ] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; then
  die "a cache is already running from $dir: run stop-http-cache.sh --dir $dir first"
fi

[ "$port" -ne 0 ] || port=$("$(dirname "${BASH_SOURCE[0]}")/../../scripts/free-port.sh")

elsewhere="return 404;"
if [ -n "$status" ]; then
  handler="return $status;" elsewhere=$handler
else
  # PUT uploads (nix copy --to http://...), GET/HEAD downloads; nothing else.
  handler="dav_methods PUT; create_full_put_path on; dav_access user:rw group:r all:r; limit_except GET HEAD PUT { deny all; }"
fi
prefix="cache-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
cat > "$dir/nginx.conf" <<CONF
# Written by tests/caches/start-http-cache.sh.
worker_processes 1;
daemon off;
user root;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$port;
    location / { $elsewhere }
    location /$prefix/ { alias $dir/cache/; $handler }
  }
}
CONF

# setsid: the caller's Ctrl-C does not reach it; $! is nginx's master (daemon off).
setsid "$nginx" -c "$dir/nginx.conf" -e "$dir/error.log" < /dev/null > "$dir/nginx.log" 2>&1 &
pid=$!
echo "$pid" > "$dir/nginx.pid"
url="http://127.0.0.1:$port/$prefix"
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || die "nginx exited: $(cat "$dir/nginx.log" "$dir/error.log" 2>/dev/null | tr '\n' ' ')"
  # Listening is enough: bash's /dev/tcp needs no curl.
  if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "$url" > "$dir/url"
    echo "$url"
    exit 0
  fi
  sleep 0.05
done
kill "$pid" 2>/dev/null || true
die "nginx did not answer on $url within 5 s"
