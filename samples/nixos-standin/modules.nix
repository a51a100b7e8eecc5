# A minimal module system: every attribute is "freeform", and options may be declared for defaults and types.
# Modules are attribute sets, functions of { config, lib, pkgs, ... } (plus specialArgs) or paths to
# either; `imports` and the `{ imports; options; config; }` form are understood. All definitions are merged
# into one `config`, which is passed back to the module functions (a lazy fixpoint):
#   - attribute sets merge recursively (mkIf/mkOverride on a set apply to everything inside it);
#   - for a leaf, the definitions with the best priority win (mkForce 50 < plain 100 < mkDefault 1000);
#     lists among them are concatenated, otherwise the last module wins (recursiveUpdate semantics);
#   - a declared option (lib.mkOption) without a definition has its default (a definition of priority 1500), and
#     its merged value must pass its type's check;
#   - any other leaf whose every definition is under a false mkIf evaluates to null.
# Limitation: a whole module body cannot be `mkIf <something from config>` (infinite recursion);
# put the mkIf one level down, as in `services.x = mkIf cond { ... }`.
lib:
{ modules, specialArgs ? { }, args ? { } }:
let
  inherit (builtins) all any attrNames concatMap filter foldl' isAttrs isFunction isList isPath length removeAttrs toString;

  moduleArgs = { inherit config lib; } // args // specialArgs;

  # Call a module function with the arguments it names (or all of them for `args: ...` / `{ ... }:`).
  apply = f:
    let wanted = builtins.functionArgs f;
    in f (if wanted == { } then moduleArgs else builtins.intersectAttrs wanted moduleArgs);

  load = key: m:
    let
      value = if isPath m || builtins.isString m then import m else m;
      body = if isFunction value then apply value else value;
      structured = body ? config || body ? options;
      extra = filter (n: !builtins.elem n [ "imports" "options" "config" ]) (attrNames body);
    in
    if !isAttrs body then throw "stand-in module ${key} is not an attribute set"
    else if structured && extra != [ ] then throw "stand-in module ${key}: unexpected top-level attributes next to config or options: ${toString extra}"
    else {
      inherit key;
      imports = body.imports or [ ];
      declarations = body.options or { };
      definitions = if structured then body.config or { } else removeAttrs body [ "imports" ];
    };

  # A path imported twice is loaded once (by its path), like nixpkgs.
  keyOf = name: m: if isPath m || builtins.isString m then toString m else name;

  loaded = builtins.genericClosure {
    startSet = lib.genList (i: let m = builtins.elemAt modules i; in load (keyOf "modules[${toString i}]" m) m) (length modules);
    operator = item: lib.genList (i: let m = builtins.elemAt item.imports i; in load (keyOf "${item.key}/imports[${toString i}]" m) m) (length item.imports);
  };

  isOption = v: isAttrs v && (v._type or null) == "option";
  showPath = lib.concatStringsSep ".";

  # Every module's option declarations in one tree; an option is declared once.
  declare = path: declared: tree: foldl'
    (acc: n:
      let v = tree.${n}; at = path ++ [ n ]; in
      if isOption v then (if acc ? ${n} then throw "stand-in: option `${showPath at}` is declared twice" else acc // { ${n} = v; })
      else if isAttrs v && !isOption (acc.${n} or null) then acc // { ${n} = declare at (acc.${n} or { }) v; }
      else throw "stand-in: options.${showPath at} is not an option: declare it with lib.mkOption")
    declared
    (attrNames tree);
  declared = foldl' (acc: m: declare [ ] acc m.declarations) { } loaded;

  defaultsOf = tree: lib.listToAttrs (concatMap
    (n: let v = tree.${n}; in
      if !isOption v then [ { name = n; value = defaultsOf v; } ]
      else if v ? default then [ { name = n; value = lib.mkOptionDefault v.default; } ]
      else [ ])
    (attrNames tree));

  # The merged value of a declared option must pass its type's check.
  typed = path: value:
    let option = lib.attrByPath path null declared;
    in
    if value == null || !isOption option || !(option ? type) || option.type.check value then value
    else throw "stand-in: option `${showPath path}` must be a ${option.type.description}, not ${if isFunction value then "a function" else builtins.toJSON value}";

  isLeaf = v: !isAttrs v || lib.isDerivation v || v ? outPath || (v._type or null) != null && !(builtins.elem v._type [ "if" "override" "merge" ]);

  # Strip property markers off one definition: a list of { priority, value } (empty if disabled).
  expand = priority: v:
    if !isAttrs v then [ { inherit priority; value = v; } ]
    else if v._type or null == "if" then (if v.condition then expand priority v.content else [ ])
    else if v._type or null == "override" then expand v.priority v.content
    else if v._type or null == "merge" then concatMap (expand priority) v.contents
    else [ { inherit priority; value = v; } ];

  mergeAt = path: defs: typed path (mergeUntyped path defs);
  mergeUntyped = path: defs:
    let active = concatMap (d: expand d.priority d.value) defs;
    in
    if active == [ ] then null
    else if all (d: !isLeaf d.value) active then
      let names = attrNames (foldl' (acc: d: acc // d.value) { } active);
      in lib.genAttrs names (n: mergeAt (path ++ [ n ]) (concatMap (d: if d.value ? ${n} then [ { inherit (d) priority; value = d.value.${n}; } ] else [ ]) active))
    else
      let
        best = foldl' (p: d: if d.priority < p then d.priority else p) 2000 active;
        winners = filter (d: d.priority == best) active;
      in
      if any (d: !isLeaf d.value) winners && any (d: isLeaf d.value) winners
      then throw "stand-in: `${lib.concatStringsSep "." path}` is defined both as an attribute set and as a value"
      else if all (d: !isLeaf d.value) winners then mergeAt path winners
      else if all (d: isList d.value) winners then concatMap (d: d.value) winners
      else (lib.last winners).value;

  config = mergeAt [ ] ([ { priority = 100; value = defaultsOf declared; } ] ++ map (m: { priority = 100; value = m.definitions; }) loaded);
in
{
  inherit config;
}
