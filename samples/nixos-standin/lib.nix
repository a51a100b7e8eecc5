# The stand-in's `lib`: a few nixpkgs.lib helpers, the mk* property markers and `nixosSystem`.
let
  inherit (builtins) attrNames concatLists concatMap elemAt filter foldl' genList head isAttrs isFunction
    isList length listToAttrs mapAttrs removeAttrs;

  lib = {
    inherit attrNames concatLists concatMap filter foldl' genList head isAttrs isFunction isList length
      listToAttrs mapAttrs removeAttrs;
    inherit (builtins) concatStringsSep elem hasAttr toJSON fromJSON toString trace;

    version = "24.05-standin";

    id = x: x;
    const = x: _: x;
    last = list: elemAt list (length list - 1);
    range = first: last: if first > last then [ ] else genList (n: first + n) (last - first + 1);
    optional = cond: x: if cond then [ x ] else [ ];
    optionals = cond: xs: if cond then xs else [ ];
    optionalAttrs = cond: as: if cond then as else { };
    optionalString = cond: s: if cond then s else "";
    concatMapStringsSep = sep: f: list: builtins.concatStringsSep sep (map f list);
    nameValuePair = name: value: { inherit name value; };
    genAttrs = names: f: listToAttrs (map (n: { name = n; value = f n; }) names);
    mapAttrsToList = f: as: map (n: f n as.${n}) (attrNames as);
    mapAttrs' = f: as: listToAttrs (lib.mapAttrsToList f as);
    filterAttrs = pred: as: listToAttrs (concatMap (n: if pred n as.${n} then [ { name = n; value = as.${n}; } ] else [ ]) (attrNames as));
    attrByPath = path: default: as:
      if path == [ ] then as
      else if isAttrs as && as ? ${head path} then lib.attrByPath (builtins.tail path) default as.${head path}
      else default;
    isDerivation = x: isAttrs x && (x.type or null) == "derivation";

    # Like nixpkgs: the right side wins, attribute sets are merged recursively.
    recursiveUpdate = lhs: rhs:
      lhs // mapAttrs
        (n: r: if isAttrs r && isAttrs (lhs.${n} or null) && !lib.isDerivation r then lib.recursiveUpdate lhs.${n} r else r)
        rhs;

    # Property markers, resolved when modules are merged (modules.nix): same names and
    # priorities as nixpkgs (lower number wins; a plain definition has priority 100).
    mkOverride = priority: content: { _type = "override"; inherit priority content; };
    mkOptionDefault = lib.mkOverride 1500;
    mkDefault = lib.mkOverride 1000;
    mkForce = lib.mkOverride 50;
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    mkMerge = contents: { _type = "merge"; inherit contents; };

    # Option declarations (modules.nix): a default is a definition of priority 1500, like nixpkgs; a type's check
    # runs on the merged value.
    mkOption = attrs: attrs // { _type = "option"; };
    mkEnableOption = name: lib.mkOption { type = lib.types.bool; default = false; description = "Whether to enable ${name}."; };
    types =
      let type = description: check: { _type = "option-type"; inherit description check; };
      in {
        bool = type "boolean" builtins.isBool;
        str = type "string" builtins.isString;
        # Like nixpkgs: a path literal, or a string or derivation whose text is an absolute path.
        path = type "path" (v: builtins.isPath v || (builtins.isString v || v ? outPath) && builtins.substring 0 1 (toString v) == "/");
        package = type "package" lib.isDerivation;
        nullOr = inner: type "null or ${inner.description}" (v: v == null || inner.check v);
      };

    evalModules = import ./modules.nix lib;
    nixosSystem = import ./nixos-system.nix lib;
  };
in
lib
