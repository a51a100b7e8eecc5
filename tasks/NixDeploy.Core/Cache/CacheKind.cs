namespace NixDeploy.Cache;

/// <summary>How a cache is written to: which store URL scheme, and so which tool and which signing method.</summary>
public enum CacheKind
{
    /// <summary><c>file:///DIR</c>: a binary cache in a folder; narinfos are signed as <c>nix copy</c> writes them.</summary>
    File,

    /// <summary><c>http(s)://</c>: a binary cache behind an HTTP server that accepts PUT.</summary>
    Http,

    /// <summary><c>s3://</c>: a binary cache in a bucket; credentials come from the AWS environment or profile.</summary>
    S3,

    /// <summary><c>ssh://</c> / <c>ssh-ng://</c>: another machine's Nix store; paths are signed in the local store first.</summary>
    Ssh,

    /// <summary><c>attic:SERVER:CACHE</c>: an Attic server, written with the <c>attic push</c> CLI; Attic signs server-side.</summary>
    Attic,
}
