namespace NixDeploy.Deploy.Remote;

/// <summary>
/// POSIX sh functions, shared by the artifact placement, the agent and the watchdog, for the files a step replaces on a
/// host before activation. Each replaced file is kept (hard-linked, so owner, group and mode stay) as
/// <c>.NAME.nixdeploy-previous</c> beside it, or <c>.NAME.nixdeploy-absent</c> marks that there was none; the paths are
/// listed one a line in a manifest, first <c>$pending_kept</c>, which <c>activate</c> moves into its deploy's state
/// directory. Whatever rolls the host back (the watchdog, also when the deployer asks it to) puts them back with
/// <c>restore_kept</c>; a confirmation forgets them with <c>drop_kept</c>.
/// </summary>
internal static class KeptFilesScript
{
    public const string Functions = """
pending_kept=/run/nixdeploy/kept-files

kept_names() { # PATH: sets kept_previous and kept_absent
  kept_previous="${1%/*}/.${1##*/}.nixdeploy-previous"
  kept_absent="${1%/*}/.${1##*/}.nixdeploy-absent"
}

# Keeps PATH (or that it is absent) before it is replaced; a copy left from an earlier deploy is replaced.
keep_file() { # PATH
  kept_names "$1"
  rm -f "$kept_previous" "$kept_absent" || return 1
  if [ -e "$1" ]; then ln -f "$1" "$kept_previous"; else : > "$kept_absent"; fi
}

# Puts every kept file of MANIFEST back by rename (atomic per file) and removes the ones that were added, then
# forgets MANIFEST. Fails, keeping MANIFEST, if any file could not be put back.
restore_kept() { # MANIFEST
  [ -e "$1" ] || return 0
  kept_failed=0
  while IFS= read -r kept_path; do
    kept_names "$kept_path"
    if [ -e "$kept_previous" ]; then
      mv -f "$kept_previous" "$kept_path" || kept_failed=1
    elif [ -e "$kept_absent" ]; then
      rm -f "$kept_path" && rm -f "$kept_absent" || kept_failed=1
    fi
  done < "$1"
  [ "$kept_failed" -eq 0 ] && rm -f "$1"
}

# The placed files stay: removes the copies kept for a rollback, and MANIFEST.
drop_kept() { # MANIFEST
  [ -e "$1" ] || return 0
  while IFS= read -r kept_path; do
    kept_names "$kept_path"
    rm -f "$kept_previous" "$kept_absent"
  done < "$1"
  rm -f "$1"
}

""";
}
