# zsh completion for dotnet-nixdeploy and dotnet nixdeploy. In ~/.zshrc, after compinit:
#   eval "$(dotnet nixdeploy completions zsh)"
# The tool answers what may come next itself (System.CommandLine's [suggest] directive).

_dotnet_nixdeploy() {
  local -a own suggestions
  # The tool's own words up to the cursor: after "dotnet-nixdeploy", or after "dotnet nixdeploy".
  if [[ ${words[1]:t} == dotnet ]]; then
    [[ $CURRENT -ge 3 && ${words[2]} == nixdeploy ]] || return 1
    own=("${(@)words[3,CURRENT]}")
  else
    own=("${(@)words[2,CURRENT]}")
  fi
  local line=${(j: :)own}
  if (( $+commands[dotnet-nixdeploy] )); then
    suggestions=("${(@f)$(dotnet-nixdeploy "[suggest:${#line}]" "$line" 2>/dev/null)}")
  else
    suggestions=("${(@f)$(dotnet nixdeploy "[suggest:${#line}]" "$line" 2>/dev/null)}")
  fi
  compadd -- "${(@)suggestions:#}"
}

compdef _dotnet_nixdeploy dotnet-nixdeploy
