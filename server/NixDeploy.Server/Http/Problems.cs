using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Http;

/// <summary>Every error of the API: <c>application/problem+json</c> (RFC 9457) with the ND code in <c>code</c>.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsync(JsonSerializer.Serialize(Of(status, code, detail), ControlPlaneJsonContext.Default.ControlPlaneProblem));
    }

    /// <summary>The problem as a result an endpoint returns.</summary>
    public static IResult Result(int status, string code, string detail) =>
        Results.Json(Of(status, code, detail), ControlPlaneJsonContext.Default.ControlPlaneProblem, ContentType, status);

    /// <summary>A coded failure of the request's input: 400 with every diagnostic's message.</summary>
    public static IResult BadRequest(NixDeployException e) =>
        Result(StatusCodes.Status400BadRequest, e.Code, string.Join(" ", e.Diagnostics.Select(d => $"{d.Code}: {d.Message}")));

    private static ControlPlaneProblem Of(int status, string code, string detail) =>
        new($"https://nixdeploy.invalid/errors/{code}", Title(status), status, detail, code);

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Bad request",
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status403Forbidden => "Forbidden",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        StatusCodes.Status503ServiceUnavailable => "Service unavailable",
        _ => "Error",
    };
}
