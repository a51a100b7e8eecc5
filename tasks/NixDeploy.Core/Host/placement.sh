# shellcheck shell=sh disable=SC2154
# SC2154: the names this program uses but does not set come from lib.sh, which is put in front of it when it is sent;
# Core/HostProgramTests runs shellcheck over lib.sh and this file together, where every name must be defined.
# NixDeploy's artifact placement, run over SSH as: sh -c PLACEMENT nixdeploy-artifacts IDENTITY AGE (PLACEMENT is lib.sh
# and this file). Reads one line per file from stdin, KIND PATH OWNER GROUP MODE BASE64, and stages every file beside
# its destination with umask 077, decrypting age payloads with the host's own key, then sets owner and mode. Only when
# all are staged are they renamed into place, each replaced file kept (lib.sh's keep_file) so that a rollback puts it
# back; any failure removes what was staged and puts back what was already moved, so the previous files stay as they were.
umask 077
identity=$1
age=$2
moves=''
listed=0
fail() {
  echo "$1" >&2
  for m in $moves; do rm -f "${m%%|*}"; done
  [ "$listed" -eq 0 ] || restore_kept "$pending_kept" || echo "cannot put back the previous files listed in $pending_kept" >&2
  exit "$exit_host_failure"
}
while read -r kind path owner group mode payload; do
  dir=${path%/*}
  [ -n "$dir" ] || dir=/
  # Directories stay traversable for the files' owners; the files themselves are private until their mode is set.
  (umask 022; mkdir -p "$dir") || fail "cannot create $dir"
  tmp="$dir/.${path##*/}.nixdeploy.$$"
  moves="$moves $tmp|$path"
  case "$kind" in
    age) printf '%s' "$payload" | base64 -d | "$age" --decrypt --identity "$identity" --output "$tmp" \
           || fail "cannot decrypt $path with the host key $identity (is this host a recipient, and is age installed?)" ;;
    plain) printf '%s' "$payload" | base64 -d > "$tmp" || fail "cannot write $path" ;;
    *) fail "unknown kind '$kind' for $path" ;;
  esac
  chown "$owner:$group" "$tmp" || fail "cannot give $path to $owner:$group (do they exist on this host?)"
  chmod "$mode" "$tmp" || fail "cannot set mode $mode on $path"
done
# The manifest comes first: whatever happens to this session from here on, a rollback knows what to put back.
(umask 022; mkdir -p "${pending_kept%/*}") || fail "cannot create ${pending_kept%/*}"
if ! { for m in $moves; do printf '%s\n' "${m#*|}"; done > "$pending_kept.tmp" && mv -f "$pending_kept.tmp" "$pending_kept"; }; then
  fail "cannot write $pending_kept"
fi
listed=1
for m in $moves; do
  path=${m#*|}
  keep_file "$path" || fail "cannot keep the previous $path"
  mv -f "${m%%|*}" "$path" || fail "cannot move $path into place"
done
