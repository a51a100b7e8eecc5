# shellcheck shell=bash
# Source this file (". scripts/nix-env.sh") before running nix as root in single-user mode.
# Flakes need the experimental features; sandbox=false lets the stand-in builders use /bin/sh;
# an empty substituter list stops every build from retrying cache.nixos.org (no internet here);
# an empty build-users-group lets root build without nixbld users or a daemon.
# User-set NIX_CONFIG lines are kept after ours, so they win where they repeat a setting.
_nixdeploy_nix_config='experimental-features = nix-command flakes
sandbox = false
substituters =
build-users-group ='
case "${NIX_CONFIG:-}" in
  "$_nixdeploy_nix_config"*) ;; # already sourced: do not prepend twice
  "") NIX_CONFIG=$_nixdeploy_nix_config ;;
  *) NIX_CONFIG="$_nixdeploy_nix_config
$NIX_CONFIG" ;;
esac
export NIX_CONFIG
unset _nixdeploy_nix_config
