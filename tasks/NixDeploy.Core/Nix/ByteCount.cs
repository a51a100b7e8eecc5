namespace NixDeploy.Nix;

/// <summary>A size in bytes as people read it (NAR sizes, bytes copied): "512 B", "3.4 KiB", "12.0 MiB".</summary>
public static class ByteCount
{
    public static string Text(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MiB",
    };
}
