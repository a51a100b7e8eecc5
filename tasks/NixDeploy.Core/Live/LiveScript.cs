using NixDeploy.Deploy.Remote;

namespace NixDeploy.Live;

/// <summary>
/// The POSIX sh run on a host for <c>status</c>, <c>plan</c> and <c>rollback</c>, outside any deploy. It shares the deploy
/// agent's lock (<c>/run/nixdeploy/deploy.lock</c>), so a rollback never races a deploy. Exit codes: 0 ok, 64 usage,
/// 66 no earlier generation, 70 verification failed, 75 a deploy holds the lock, 81 activation failed, 82 timed out.
/// </summary>
internal static class LiveScript
{
    public const int Ok = 0;
    public const int NoEarlierGeneration = 66;
    public const int NotVerified = 70;
    public const int Locked = 75;
    public const int ActivationFailed = 81;
    public const int ActivationTimedOut = 82;

    public const string Text = HostShell.Functions + """
set -u
root=/run/nixdeploy
profile=/nix/var/nix/profiles/system
cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  state)
    current_system
    profile_generation
    printf 'current=%s\ngeneration=%s\n' "$current" "$generation"
    ;;
  rollback) # ACTIVATION-TIMEOUT
    [ $# -eq 1 ] || exit 64
    mkdir -p "$root" || exit 70
    exec 9>>"$root/deploy.lock"
    flock -n 9 || { echo "a deploy to this host is running (it holds $root/deploy.lock)" >&2; exit 75; }
    profile_generation
    now=$generation
    [ -n "$now" ] || { echo "the host has no system profile ($profile)" >&2; exit 66; }
    earlier=
    for link in /nix/var/nix/profiles/system-*-link; do
      [ -e "$link" ] || continue
      n=${link#/nix/var/nix/profiles/system-}; n=${n%-link}
      if [ "$n" -lt "$now" ] && { [ -z "$earlier" ] || [ "$n" -gt "$earlier" ]; }; then earlier=$n; fi
    done
    [ -n "$earlier" ] || { echo "generation $now is the host's oldest system generation" >&2; exit 66; }
    printf 'from=%s\nto=%s\n' "$now" "$earlier"
    nix-env -p "$profile" --switch-generation "$earlier" >&2 || exit 70
    target=$(readlink -f "$profile")
    timeout -k 5 "$1" "$target/bin/switch-to-configuration" switch >&2
    status=$?
    if [ "$status" -ne 0 ]; then
      # The earlier generation does not activate: point the profile back at the one that was live.
      nix-env -p "$profile" --switch-generation "$now" >&2
      case $status in 124 | 137) exit 82 ;; *) exit 81 ;; esac
    fi
    current_system
    live=$current
    profile_generation
    printf 'current=%s\ngeneration=%s\n' "$live" "$generation"
    [ "$live" = "$target" ] || { echo "after switching, /run/current-system is '$live', not $target" >&2; exit 70; }
    ;;
  *)
    echo "usage: nixdeploy-live state|rollback TIMEOUT" >&2
    exit 64
    ;;
esac
""";
}
