namespace NixDeploy.Cache;

/// <summary>One store path of a closure and the size of its NAR (what a cache stores, before compression).</summary>
public sealed record StorePathInfo(string Path, long NarSize);
