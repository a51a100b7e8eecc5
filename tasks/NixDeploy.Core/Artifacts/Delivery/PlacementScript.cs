namespace NixDeploy.Artifacts.Delivery;

/// <summary>
/// Places a machine's artifact files on the host (POSIX sh, run over SSH as
/// <c>sh -c SCRIPT nixdeploy-artifacts IDENTITY AGE</c>). Reads one line per file from stdin,
/// <c>KIND PATH OWNER GROUP MODE BASE64</c>, and stages every file beside its destination with umask 077, decrypting
/// age payloads with the host's own key, then sets owner and mode. Only when all are staged are they renamed into
/// place; any failure removes what was staged, so the previous files stay as they were. Each replaced file is kept
/// (hard-linked) as <c>.NAME.nixdeploy-previous</c> beside it, or <c>.NAME.nixdeploy-absent</c> marks that there
/// was none, for <see cref="Undo"/> after a rollback.
/// </summary>
internal static class PlacementScript
{
    public const string Place = """
set -u
umask 077
identity=$1
age=$2
moves=''
fail() {
  echo "$1" >&2
  for m in $moves; do rm -f "${m%%|*}"; done
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
for m in $moves; do
  path=${m#*|}
  previous="${path%/*}/.${path##*/}.nixdeploy-previous"
  absent="${path%/*}/.${path##*/}.nixdeploy-absent"
  rm -f "$previous" "$absent"
  if [ -e "$path" ]; then ln -f "$path" "$previous" || fail "cannot keep the previous $path"; else : > "$absent"; fi
  mv -f "${m%%|*}" "$path" || fail "cannot move $path into place"
done
""";

    /// <summary>Puts back the files <see cref="Place"/> replaced (<c>sh -c SCRIPT nixdeploy-artifacts-undo PATH...</c>).</summary>
    public const string Undo = """
set -u
for path in "$@"; do
  previous="${path%/*}/.${path##*/}.nixdeploy-previous"
  absent="${path%/*}/.${path##*/}.nixdeploy-absent"
  if [ -e "$previous" ]; then
    mv -f "$previous" "$path" || exit 70
  elif [ -e "$absent" ]; then
    rm -f "$path" "$absent" || exit 70
  fi
done
""";
}
