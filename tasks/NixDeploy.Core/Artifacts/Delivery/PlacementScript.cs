using NixDeploy.Deploy.Remote;

namespace NixDeploy.Artifacts.Delivery;

/// <summary>
/// Places a machine's artifact files on the host (POSIX sh, run over SSH as
/// <c>sh -c SCRIPT nixdeploy-artifacts IDENTITY AGE</c>). Reads one line per file from stdin,
/// <c>KIND PATH OWNER GROUP MODE BASE64</c>, and stages every file beside its destination with umask 077, decrypting
/// age payloads with the host's own key, then sets owner and mode. Only when all are staged are they renamed into
/// place, each replaced file kept by <see cref="KeptFilesScript"/> so that a rollback puts it back; any failure
/// removes what was staged and puts back what was already moved, so the previous files stay as they were.
/// </summary>
internal static class PlacementScript
{
    public const string Place = KeptFilesScript.Functions + """
set -u
umask 077
identity=$1
age=$2
moves=''
listed=0
fail() {
  echo "$1" >&2
  for m in $moves; do rm -f "${m%%|*}"; done
  [ "$listed" -eq 0 ] || restore_kept "$pending_kept" || echo "cannot put back the previous files listed in $pending_kept" >&2
  exit 70
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
for m in $moves; do printf '%s\n' "${m#*|}"; done > "$pending_kept.tmp" && mv -f "$pending_kept.tmp" "$pending_kept" \
  || fail "cannot write $pending_kept"
listed=1
for m in $moves; do
  path=${m#*|}
  keep_file "$path" || fail "cannot keep the previous $path"
  mv -f "${m%%|*}" "$path" || fail "cannot move $path into place"
done
""";
}
