using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Builds;
using NixDeploy.Server.Http;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Api;

/// <summary>
/// <c>/api/v1/builds</c>: trigger a build of the fleet repository (ci), read builds and their logs (read), the log of a
/// running build followed as server-sent events.
/// </summary>
public static class BuildEndpoints
{
    public const string EventStream = "text/event-stream";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(ControlPlaneRoutes.Builds, (HttpContext context, BuildRunner runner) =>
            {
                try
                {
                    var triggered = runner.Trigger();
                    if (triggered.Status == BuildTriggered.Triggered)
                        context.Response.Headers.Location = ControlPlaneRoutes.Build(triggered.Id);
                    return Results.Json(triggered, ControlPlaneJsonContext.Default.BuildTriggered,
                        statusCode: triggered.Status == BuildTriggered.Triggered ? StatusCodes.Status202Accepted : StatusCodes.Status200OK);
                }
                catch (NixDeployException e) when (e.Code == ErrorCodes.BuildsNotConfigured)
                {
                    return Problems.Result(StatusCodes.Status409Conflict, e.Code, e.Diagnostics[0].Message);
                }
            })
            .RequireAuthorization(Names.Of(TokenRole.Ci))
            .Produces<BuildTriggered>(StatusCodes.Status202Accepted)
            .Produces<BuildTriggered>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet(ControlPlaneRoutes.Builds, (string? limit, string? before, IBuildStore store) =>
                Pages.AnswerAsync(limit, before, "build", id => store.Build(id) is not null, store.Builds, ControlPlaneJsonContext.Default.BuildPage))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces<BuildPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        app.MapGet(ControlPlaneRoutes.LatestBuild, (IBuildStore store) => Answer(store.LatestBuild(), "A build"))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces<BuildRecord>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet(ControlPlaneRoutes.Builds + "/{id}", (string id, IBuildStore store) => Answer(store.Build(id), $"Build '{id}'"))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces<BuildRecord>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet(ControlPlaneRoutes.Builds + "/{id}/logs", (string id, string? lines, HttpContext context, IBuildStore store, BuildLogReader logs) =>
            {
                if (store.Build(id) is null)
                    return Task.FromResult(CodedErrors.NotFound($"Build '{id}'"));
                if (context.Request.Headers.Accept.Any(accept => accept?.Contains(EventStream, StringComparison.OrdinalIgnoreCase) == true))
                    return StreamAsync(id, context, store, logs);
                int? count = null;
                if (lines is not null)
                {
                    if (!int.TryParse(lines, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                        return Task.FromResult(Problems.Result(StatusCodes.Status400BadRequest, ErrorCodes.RequestMalformed,
                            $"lines={lines} is not a number of lines: use a whole number from 1, or leave it out for the whole log."));
                    count = n;
                }
                return Task.FromResult(Results.Text(string.Concat(logs.LastLines(id, count).Select(line => line + "\n")), "text/plain; charset=utf-8"));
            })
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces(StatusCodes.Status200OK, contentType: "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet(ControlPlaneRoutes.Builds + "/{id}/logs/stream", (string id, HttpContext context, IBuildStore store, BuildLogReader logs) =>
                store.Build(id) is null ? Task.FromResult(CodedErrors.NotFound($"Build '{id}'")) : StreamAsync(id, context, store, logs))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces(StatusCodes.Status200OK, contentType: EventStream)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult Answer(BuildRecord? build, string what) =>
        build is null ? CodedErrors.NotFound(what) : Results.Json(build, ControlPlaneJsonContext.Default.BuildRecord);

    /// <summary>
    /// Server-sent events: each log line as a <c>data:</c> event, then an <c>end</c> event whose data is the build's
    /// status, once it has ended.
    /// </summary>
    private static async Task<IResult> StreamAsync(string id, HttpContext context, IBuildStore store, BuildLogReader logs)
    {
        var response = context.Response;
        response.ContentType = EventStream;
        response.Headers.CacheControl = "no-cache";
        await response.Body.FlushAsync(context.RequestAborted);
        await foreach (var line in logs.FollowAsync(id, context.RequestAborted))
        {
            await response.WriteAsync($"data: {line.TrimEnd('\r')}\n\n", context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
        }
        var status = store.Build(id)!.Status.ToString().ToLowerInvariant();
        await response.WriteAsync($"event: end\ndata: {status}\n\n", context.RequestAborted);
        return Results.Empty;
    }
}
