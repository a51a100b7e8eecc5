using System.Globalization;

namespace NixDeploy.Nix;

/// <summary>A size in bytes as people read it (NAR sizes, bytes copied): "512 B", "3.4 KiB", "12.0 MiB", "2.1 GiB".</summary>
public static class ByteCount
{
    public static string Text(long bytes) => $"{Number(bytes, Unit(bytes))} {Names[Unit(bytes)]}";

    /// <summary>"3.1/9.8 MiB", both in the unit of <paramref name="total"/>; "3.1/≤9.8 MiB" when the total is an upper bound.</summary>
    public static string Fraction(long done, long total, bool totalIsBound) =>
        $"{Number(done, Unit(total))}/{(totalIsBound ? "≤" : "")}{Number(total, Unit(total))} {Names[Unit(total)]}";

    private static readonly string[] Names = ["B", "KiB", "MiB", "GiB"];

    private static int Unit(long bytes) => bytes switch
    {
        < 1024 => 0,
        < 1024 * 1024 => 1,
        < 1024 * 1024 * 1024 => 2,
        _ => 3,
    };

    private static string Number(long bytes, int unit) =>
        unit == 0 ? bytes.ToString(CultureInfo.InvariantCulture) : (bytes / Math.Pow(1024, unit)).ToString("0.0", CultureInfo.InvariantCulture);
}
