# The stand-in's `pkgs`: trivial builders, and the build machine's own nix and ssh where a module names them
# (there are no packages to build without nixpkgs). Builders run /bin/sh from the build machine, so they need
# `sandbox = false`.
{ lib, system }:
let
  runCommand = name: env: script: derivation ({
    inherit name system;
    builder = "/bin/sh";
    args = [ "-c" script ];
    PATH = "/usr/bin:/bin";
  } // env);

  writeTextFile = { name, text, executable ? false, destination ? "" }:
    runCommand name { inherit text; passAsFile = [ "text" ]; } ''
      set -eu
      target="$out"${lib.toJSON destination}
      mkdir -p "$(dirname "$target")"
      cp "$textPath" "$target"
      ${lib.optionalString executable ''chmod +x "$target"''}
    '';

  # A package whose bin/ links the build machine's programs of these names.
  fromBuildMachine = name: programs: runCommand name { inherit programs; } ''
    set -eu
    mkdir -p "$out/bin"
    for p in $programs; do ln -s "/usr/bin/$p" "$out/bin/$p"; done
  '';
in
{
  inherit lib system runCommand writeTextFile;
  nix = fromBuildMachine "nix-standin" [ "nix" "nix-build" "nix-env" "nix-store" ];
  openssh = fromBuildMachine "openssh-standin" [ "ssh" "scp" ];
  curl = fromBuildMachine "curl-standin" [ "curl" ];
  util-linux = fromBuildMachine "util-linux-standin" [ "flock" "setsid" ];
  writeText = name: text: writeTextFile { inherit name text; };
  writeShellScript = name: text: writeTextFile { inherit name; executable = true; text = "#!/bin/sh\n${text}"; };
  writeShellScriptBin = name: text: writeTextFile { inherit name; executable = true; destination = "/bin/${name}"; text = "#!/bin/sh\n${text}"; };
}
