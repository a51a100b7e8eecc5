# fish completion for dotnet-nixdeploy and dotnet nixdeploy. In ~/.config/fish/config.fish:
#   dotnet nixdeploy completions fish | source
# The tool answers what may come next itself (System.CommandLine's [suggest] directive).

function __dotnet_nixdeploy_suggest
    # The tool's own words up to the cursor, without "dotnet-nixdeploy" or "dotnet nixdeploy".
    set -l line (string replace -r '^\s*(dotnet\s+nixdeploy|dotnet-nixdeploy)\s*' '' -- (commandline -cp))
    if command -q dotnet-nixdeploy
        dotnet-nixdeploy "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
    else
        dotnet nixdeploy "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
    end
end

complete -c dotnet-nixdeploy -f -a '(__dotnet_nixdeploy_suggest)'
complete -c dotnet -n '__fish_seen_subcommand_from nixdeploy' -f -a '(__dotnet_nixdeploy_suggest)'
