using Microsoft.AspNetCore.Http;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Api;

/// <summary>A request's body read whole, up to <see cref="MaxBytes"/> (413 beyond, before anything is read or stored).</summary>
public static class RequestBody
{
    /// <summary>
    /// The largest body the server takes (also Kestrel's limit): a deployment.json of a large fleet is well under a
    /// megabyte; its artifacts, carried encrypted, are the rest.
    /// </summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
            throw TooLarge();
        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
        return buffer.ToArray();
    }

    public static NixDeployException TooLarge() => new(ErrorCodes.RequestTooLarge,
        $"The request body is larger than the server takes ({MaxBytes / (1024 * 1024)} MiB); nothing was stored.");
}
