using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Auth;
using NixDeploy.Server.Cache;
using NixDeploy.Server.Http;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Api;

/// <summary>
/// The Nix binary cache under <c>/cache</c> (read: GET/HEAD with ranges; ci: PUT, as <c>nix copy --to</c> does) and
/// its garbage collection (<c>POST /api/v1/cache/gc</c>, admin).
/// </summary>
public static class CacheEndpoints
{
    private const string NarFolder = ControlPlaneRoutes.Cache + "/" + CacheFileNames.NarFolder;

    public static void Map(IEndpointRouteBuilder app)
    {
        var ci = Names.Of(TokenRole.Ci);
        string[] reading = [HttpMethods.Get, HttpMethods.Head];

        app.MapMethods(ControlPlaneRoutes.Cache + "/nix-cache-info", reading, () => Results.Text(BinaryCacheFolder.CacheInfo, "text/x-nix-cache-info"))
            .RequireAuthorization(RolePolicies.CacheRead).ExcludeFromDescription();
        app.MapMethods(ControlPlaneRoutes.Cache + "/{name}", reading, (string name, BinaryCacheFolder cache) => Serve(cache.NarInfoFile(name), "text/x-nix-narinfo"))
            .RequireAuthorization(RolePolicies.CacheRead).ExcludeFromDescription();
        app.MapMethods(NarFolder + "/{name}", reading, (string name, BinaryCacheFolder cache) => Serve(cache.NarFile(name), "application/x-nix-nar"))
            .RequireAuthorization(RolePolicies.CacheRead).ExcludeFromDescription();

        app.MapPut(ControlPlaneRoutes.Cache + "/{name}", (string name, HttpContext context, BinaryCacheFolder cache) =>
                UploadAsync(context, () => cache.PutNarInfoAsync(name, context.Request.Body, context.Request.ContentLength, context.RequestAborted)))
            .RequireAuthorization(ci).ExcludeFromDescription();
        app.MapPut(NarFolder + "/{name}", (string name, HttpContext context, BinaryCacheFolder cache) =>
                UploadAsync(context, () => cache.PutNarAsync(name, context.Request.Body, context.Request.ContentLength, context.RequestAborted)))
            .RequireAuthorization(ci).ExcludeFromDescription();

        app.MapPost(ControlPlaneRoutes.CacheCollect, async (CacheCollector collector, HttpContext context) =>
                Results.Json(await collector.CollectAsync(context.RequestAborted), ControlPlaneJsonContext.Default.CacheCollection))
            .RequireAuthorization(Names.Of(TokenRole.Admin))
            .Produces<CacheCollection>();
    }

    // A name the cache does not store is absent (404), as Nix expects of a cache without that file.
    private static IResult Serve(string? file, string contentType) =>
        file is not null && File.Exists(file) ? Results.File(file, contentType, enableRangeProcessing: true) : Results.NotFound();

    private static async Task<IResult> UploadAsync(HttpContext context, Func<Task> upload)
    {
        // The cache counts the bytes against its own limit (a NAR may be far larger than an API body).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = null;
        try
        {
            await upload();
            return Results.NoContent();
        }
        catch (NixDeployException e)
        {
            var status = e.Code switch
            {
                ErrorCodes.CacheNarHashConflict => StatusCodes.Status409Conflict,
                ErrorCodes.CacheUploadTooLarge => StatusCodes.Status413PayloadTooLarge,
                _ => StatusCodes.Status400BadRequest,
            };
            return Problems.Result(status, e.Code, e.Diagnostics[0].Message);
        }
    }
}
