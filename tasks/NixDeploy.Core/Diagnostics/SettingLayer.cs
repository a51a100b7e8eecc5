namespace NixDeploy.Diagnostics;

/// <summary>
/// One file layer of a project's settings: every setting's hash before and after MSBuild read it, as
/// <c>Name=Hash</c> entries separated by ';' (MSBuild's StableStringHash, so only equality matters).
/// </summary>
public sealed record SettingLayer(string File, string Before, string After)
{
    public bool Knows(string property) => Hash(Before, property) is not null && Hash(After, property) is not null;

    public bool Changed(string property) => Knows(property) && Hash(Before, property) != Hash(After, property);

    private static string? Hash(string hashes, string property) => hashes
        .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(entry => entry.Split('=', 2))
        .Where(pair => pair.Length == 2 && pair[0] == property)
        .Select(pair => pair[1])
        .FirstOrDefault();
}
