# shellcheck shell=bash
# bash completion for dotnet nixdeploy and dotnet-nixdeploy. In ~/.bashrc:
#   eval "$(dotnet nixdeploy completions bash)"
# The tool answers what may come next itself (System.CommandLine's [suggest] directive), so completions always
# match the installed version.

# The tool's suggestions for the command line $1 (its own words only), the cursor at its end.
_nixdeploy_suggest() {
  if command -v dotnet-nixdeploy >/dev/null 2>&1; then
    dotnet-nixdeploy "[suggest:${#1}]" "$1" 2>/dev/null
  else
    dotnet nixdeploy "[suggest:${#1}]" "$1" 2>/dev/null
  fi
}

_nixdeploy_complete() {
  local line=${COMP_LINE:0:COMP_POINT} cur=${COMP_WORDS[COMP_CWORD]}
  # Drop the program: "dotnet-nixdeploy" or "dotnet nixdeploy".
  line=${line#*nixdeploy}
  line=${line#"${line%%[![:space:]]*}"}
  mapfile -t COMPREPLY < <(compgen -W "$(_nixdeploy_suggest "$line")" -- "$cur")
}

# "dotnet nixdeploy ...": ours; any other dotnet command line goes to the completion dotnet had before.
_nixdeploy_previous_dotnet=
read -ra _nixdeploy_spec <<<"$(complete -p dotnet 2>/dev/null)"
for ((_nixdeploy_i = 0; _nixdeploy_i < ${#_nixdeploy_spec[@]} - 1; _nixdeploy_i++)); do
  if [ "${_nixdeploy_spec[_nixdeploy_i]}" = -F ]; then
    _nixdeploy_previous_dotnet=${_nixdeploy_spec[_nixdeploy_i + 1]}
  fi
done
unset _nixdeploy_spec _nixdeploy_i
[ "$_nixdeploy_previous_dotnet" != _nixdeploy_dotnet ] || _nixdeploy_previous_dotnet=

_nixdeploy_dotnet() {
  if [ "$COMP_CWORD" -ge 2 ] && [ "${COMP_WORDS[1]}" = nixdeploy ]; then
    _nixdeploy_complete
  elif [ -n "$_nixdeploy_previous_dotnet" ]; then
    "$_nixdeploy_previous_dotnet" "$@"
  fi
}

complete -F _nixdeploy_complete -o default dotnet-nixdeploy
complete -F _nixdeploy_dotnet -o default dotnet
