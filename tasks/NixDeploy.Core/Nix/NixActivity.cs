namespace NixDeploy.Nix;

/// <summary>
/// Where a running Nix command is: builds done of expected and one derivation building now; store paths and bytes
/// copied, and the bytes the copy will copy (<see cref="BytesExpected"/>, only an upper bound while
/// <see cref="BytesExpectedIsBound"/>).
/// </summary>
public sealed record NixActivity(int BuildsDone, int BuildsExpected, string? Building, int PathsDone, int PathsExpected, long BytesCopied,
    long BytesExpected = 0, bool BytesExpectedIsBound = false)
{
    public static readonly NixActivity None = new(0, 0, null, 0, 0, 0);

    /// <summary>
    /// For the live view: "2/5 built, building foo-1.0" or "3/7 paths, 1.2/4.0 MiB" ("1.2/≤9.8 MiB" while the total is the
    /// closure's, an upper bound). Bytes without a total only when Nix reported some: "0 B" beside copied paths would be wrong.
    /// </summary>
    public string Describe() => string.Join(", ", new[]
    {
        BuildsExpected > 0 ? $"{BuildsDone}/{BuildsExpected} built" : null,
        Building is null ? null : $"building {Building}",
        PathsExpected > 0 ? $"{PathsDone}/{PathsExpected} paths" : null,
        BytesExpected > 0 ? ByteCount.Fraction(BytesCopied, BytesExpected, BytesExpectedIsBound)
            : BytesCopied > 0 ? ByteCount.Text(BytesCopied) : null,
    }.OfType<string>());
}
