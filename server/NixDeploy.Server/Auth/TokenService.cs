using NixDeploy.ControlPlane;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Auth;

/// <summary>Creates, checks and revokes bearer tokens; the secret exists only in the answer to its creation.</summary>
public sealed class TokenService(IControlPlaneStore store, TimeProvider time)
{
    public TokenCreated Create(TokenRole role, string name)
    {
        var (id, text, hash) = TokenSecret.Create();
        store.AddToken(new StoredToken(id, role, name, hash, time.GetUtcNow(), null));
        return new TokenCreated(id, role, name, text);
    }

    /// <summary>The token the text names, when its secret matches and it is not revoked; else null.</summary>
    public StoredToken? Authenticate(string text)
    {
        if (TokenSecret.Parse(text) is not { } parsed || store.FindToken(parsed.Id) is not { } token)
            return null;
        return TokenSecret.Matches(parsed.Secret, token.SecretHash) && token.RevokedAt is null ? token : null;
    }
}
