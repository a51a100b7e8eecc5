#!/bin/sh
# A Nix builder (sandbox = false) for the workload tests: Debian's static busybox serving a folder with busybox httpd.
# kind=image makes a docker-archive ($out) that podman and docker load: localhost/$imageName:$version, whose command
# serves /www on $NIXDEPLOY_ADDRESS:$PORT (the runtime sets both) and exits on SIGTERM. kind=bundle makes a plain tar
# of the same files with bin/serve, for the systemd runtime. www/index.html holds $version; www/health exists only
# when $healthy is 1, so a health check of /health fails for an unhealthy version.
set -eu
: "${out:?}" "${kind:?}" "${version:?}" "${healthy:?}" "${imageName:?}"
export PATH=/usr/bin:/bin
work=$(mktemp -d)
mkdir -p "$work/root/bin" "$work/root/www" "$work/image"
cp /bin/busybox "$work/root/bin/busybox"
printf '%s\n' "$version" > "$work/root/www/index.html"
if [ "$healthy" = 1 ]; then echo ok > "$work/root/www/health"; fi
# shellcheck disable=SC2016 # expanded by the sh in the container
serve='trap "exit 0" TERM; /bin/busybox httpd -f -p ${NIXDEPLOY_ADDRESS}:${PORT} -h /www & wait'
if [ "$kind" = bundle ]; then
  printf '#!/bin/busybox sh\n%s\n' "$serve" > "$work/root/bin/serve"
  chmod 755 "$work/root/bin/serve"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/root" -cf "$out" .
  exit 0
fi
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/root" -cf "$work/image/layer.tar" .
layer=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
command=$(printf '%s' "$serve" | sed 's/"/\\"/g')
cat > "$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/busybox","sh","-c","$command"]},"rootfs":{"type":"layers","diff_ids":["sha256:$layer"]}}
JSON
config=$(sha256sum "$work/image/config.json" | cut -d' ' -f1)
mv "$work/image/config.json" "$work/image/$config.json"
printf '[{"Config":"%s.json","RepoTags":["localhost/%s:%s"],"Layers":["layer.tar"]}]\n' "$config" "$imageName" "$version" > "$work/image/manifest.json"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/image" -cf "$out" .
