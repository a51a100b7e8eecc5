using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Http;
using NixDeploy.Server.Rollouts;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Api;

/// <summary><c>/api/v1/deployments</c>: post a deployment.json (ci), list and read deployments and their reports (read).</summary>
public static class DeploymentEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(ControlPlaneRoutes.Deployments, (HttpContext context, DeploymentIntake intake) => CodedErrors.AnswerAsync(async () =>
            {
                var accepted = intake.Accept(await RequestBody.ReadAsync(context.Request, context.RequestAborted));
                if (accepted.Created)
                    context.Response.Headers.Location = ControlPlaneRoutes.Deployment(accepted.Id);
                return Results.Json(accepted, ControlPlaneJsonContext.Default.DeploymentAccepted,
                    statusCode: accepted.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
            }))
            .RequireAuthorization(Names.Of(TokenRole.Ci))
            .Produces<DeploymentAccepted>(StatusCodes.Status201Created)
            .Produces<DeploymentAccepted>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        app.MapGet(ControlPlaneRoutes.Deployments, (string? limit, string? before, IControlPlaneStore store) =>
                Pages.AnswerAsync(limit, before, "deployment", id => store.Deployment(id) is not null, store.Deployments, ControlPlaneJsonContext.Default.DeploymentPage))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces<DeploymentPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        app.MapGet(ControlPlaneRoutes.Deployments + "/{id}", (string id, IControlPlaneStore store) =>
                store.Deployment(id) is { } detail
                    ? Results.Json(detail, ControlPlaneJsonContext.Default.DeploymentDetail)
                    : CodedErrors.NotFound($"Deployment '{id}'"))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces<DeploymentDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet(ControlPlaneRoutes.Deployments + "/{id}/report", (string id, DeploymentReports reports) =>
                reports.For(id) switch
                {
                    null => CodedErrors.NotFound($"Deployment '{id}'"),
                    (_, { } report) => Results.Text(report, "application/json"),
                    ({ } status, null) when !status.IsFinal() => Problems.Result(StatusCodes.Status409Conflict, ErrorCodes.ReportNotReady,
                        $"Deployment '{id}' is {Names.Of(status)}: its deploy-report.json is written when it has finished (or only pull machines' agents are still to apply it). Poll GET {ControlPlaneRoutes.Deployment(id)}."),
                    ({ } status, null) => CodedErrors.NotFound($"A report of deployment '{id}' ({Names.Of(status)}: none of its machines was rolled out)"),
                })
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
