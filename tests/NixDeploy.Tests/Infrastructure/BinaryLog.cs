using System.IO.Compression;
using System.Text;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>An MSBuild binary log (-bl) as text, for tests that search it for secrets.</summary>
public static class BinaryLog
{
    // The binary log is a gzip stream; strings in it are UTF-8 (length-prefixed), so a plain search finds them.
    public static string Text(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
