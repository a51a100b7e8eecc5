using System.Collections.Concurrent;
using NixDeploy.ControlPlane;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Auth;

/// <summary>Creates, checks and revokes bearer tokens; the secret exists only in the answer to its creation.</summary>
public sealed class TokenService(IControlPlaneStore store, TimeProvider time)
{
    // A substitution from the binary cache asks hundreds of times a second with one token: a token read from the
    // database is kept for a few seconds rather than read for every request. Revoking goes through Revoke, which
    // forgets it at once.
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (StoredToken Token, DateTimeOffset Until)> _read = new(StringComparer.Ordinal);

    public TokenCreated Create(TokenRole role, string name)
    {
        var (id, text, hash) = TokenSecret.Create();
        store.AddToken(new StoredToken(id, role, name, hash, time.GetUtcNow(), null));
        return new TokenCreated(id, role, name, text);
    }

    /// <summary>A <c>machine</c> token, bound to <paramref name="machine"/> (its pull agent's): its id and text.</summary>
    public (string Id, string Token) CreateForMachine(string machine)
    {
        var (id, text, hash) = TokenSecret.Create();
        store.AddToken(new StoredToken(id, TokenRole.Machine, $"agent of {machine}", hash, time.GetUtcNow(), null, machine));
        return (id, text);
    }

    /// <summary>The token the text names, when its secret matches and it is not revoked; else null.</summary>
    public StoredToken? Authenticate(string text)
    {
        if (TokenSecret.Parse(text) is not { } parsed || Find(parsed.Id) is not { } token)
            return null;
        return TokenSecret.Matches(parsed.Secret, token.SecretHash) && token.RevokedAt is null ? token : null;
    }

    /// <summary>False when there is no such token.</summary>
    public bool Revoke(string id)
    {
        var revoked = store.RevokeToken(id, time.GetUtcNow());
        _read.TryRemove(id, out _);
        return revoked;
    }

    private StoredToken? Find(string id)
    {
        var now = time.GetUtcNow();
        if (_read.TryGetValue(id, out var read) && read.Until > now)
            return read.Token;
        var token = store.FindToken(id);
        if (token is not null)
            _read[id] = (token, now + Remembered);
        return token;
    }
}
