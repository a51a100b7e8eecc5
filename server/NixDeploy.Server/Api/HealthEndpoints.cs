using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using NixDeploy.ControlPlane;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Api;

/// <summary><c>/health</c> (anonymous: for load balancers and systemd) and <c>/metrics</c> (read).</summary>
public static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ControlPlaneRoutes.Health, (IControlPlaneStore store) =>
            {
                try
                {
                    store.Ping();
                    return Results.Json(new HealthReport("healthy", "ok", store.SchemaVersion), ControlPlaneJsonContext.Default.HealthReport);
                }
                catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
                {
                    return Results.Json(new HealthReport("unhealthy", e.Message, store.SchemaVersion), ControlPlaneJsonContext.Default.HealthReport,
                        statusCode: StatusCodes.Status503ServiceUnavailable);
                }
            })
            .AllowAnonymous()
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);

        app.MapGet(ControlPlaneRoutes.Metrics, (IControlPlaneStore store) => Results.Text(MetricsText.Render(store.Counts()), MetricsText.ContentType))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces(StatusCodes.Status200OK, contentType: "text/plain");
    }
}
