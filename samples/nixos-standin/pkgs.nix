# The stand-in's `pkgs`: trivial builders only (there are no packages without nixpkgs).
# Builders run /bin/sh from the build machine, so they need `sandbox = false`.
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
in
{
  inherit lib system runCommand writeTextFile;
  writeText = name: text: writeTextFile { inherit name text; };
  writeShellScript = name: text: writeTextFile { inherit name; executable = true; text = "#!/bin/sh\n${text}"; };
  writeShellScriptBin = name: text: writeTextFile { inherit name; executable = true; destination = "/bin/${name}"; text = "#!/bin/sh\n${text}"; };
}
