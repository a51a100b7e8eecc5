using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NixDeploy.Blueprint;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Auth;
using NixDeploy.Server.Http;
using NixDeploy.Server.Rollouts;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Api;

/// <summary>
/// The pull agents' routes under <c>/api/v1/machines/{name}</c>: a machine token (admin), the desired state (long-polled),
/// step reports and the confirmation (the machine's own token only).
/// </summary>
public static class AgentEndpoints
{
    private const string ReportShape = """{"deploymentId": "...", "step": "activate", "status": "running|succeeded|failed|rolled-back|unchanged", "code": "ND...", "message": "..."}""";
    private const string ConfirmShape = """{"deploymentId": "..."}""";

    public static void Map(IEndpointRouteBuilder app)
    {
        // Any machine name may get a token before a deployment names it: bootstrap adds the machine, then deploys it.
        app.MapPost(ControlPlaneRoutes.Machines + "/{name}/token", (string name, HttpContext context, TokenService tokens, PullAgents agents) => CodedErrors.AnswerAsync(() =>
            {
                var machine = MachineEndpoints.RequireName(name);
                var (id, token) = tokens.CreateForMachine(machine);
                context.Response.Headers.Location = ControlPlaneRoutes.Token(id);
                return Task.FromResult(Results.Json(new MachineTokenCreated(id, machine, token, agents.OwnCache(CacheUrl(context.Request))),
                    ControlPlaneJsonContext.Default.MachineTokenCreated, statusCode: StatusCodes.Status201Created));
            }))
            .RequireAuthorization(Names.Of(TokenRole.Admin))
            .Produces<MachineTokenCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        app.MapGet(ControlPlaneRoutes.Machines + "/{name}/desired", (string name, string? wait, string? known, HttpContext context, PullAgents agents) => CodedErrors.AnswerAsync(async () =>
            {
                var answer = await agents.DesiredAsync(MachineEndpoints.RequireName(name), known, Seconds(wait), CacheUrl(context.Request), context.RequestAborted);
                return answer switch
                {
                    { State: { } state } => Results.Json(state, ControlPlaneJsonContext.Default.MachineDesiredState),
                    { Unchanged: true } => Results.NoContent(),
                    _ => Problems.Result(StatusCodes.Status404NotFound, ErrorCodes.MachineNotDeployed,
                        $"No deployment names machine '{name}' yet: add it to the blueprint with deployment.mode = \"pull\" and deploy; its agent asks again."),
                };
            }))
            .RequireAuthorization(RolePolicies.OwnMachineOrRead)
            .Produces<MachineDesiredState>()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost(ControlPlaneRoutes.Machines + "/{name}/reports", (string name, HttpContext context, PullAgents agents) => CodedErrors.AnswerAsync(async () =>
            {
                var report = Read(await RequestBody.ReadAsync(context.Request, context.RequestAborted), ControlPlaneJsonContext.Default.MachineStepReport, ReportShape);
                if (string.IsNullOrEmpty(report.DeploymentId) || string.IsNullOrEmpty(report.Step) || !AgentStepStatus.All.Contains(report.Status))
                    throw Invalid("it needs a deploymentId, a step and a status", ReportShape);
                return agents.Report(MachineEndpoints.RequireName(name), report)
                    ? Results.NoContent()
                    : CodedErrors.NotFound($"A rollout of pull machine '{name}' in deployment '{report.DeploymentId}'");
            }))
            .RequireAuthorization(RolePolicies.OwnMachine)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost(ControlPlaneRoutes.Machines + "/{name}/confirm", (string name, HttpContext context, PullAgents agents) => CodedErrors.AnswerAsync(async () =>
            {
                var confirmation = Read(await RequestBody.ReadAsync(context.Request, context.RequestAborted), ControlPlaneJsonContext.Default.MachineConfirmation, ConfirmShape);
                if (string.IsNullOrEmpty(confirmation.DeploymentId))
                    throw Invalid("it has no deploymentId", ConfirmShape);
                return agents.Confirm(MachineEndpoints.RequireName(name), confirmation.DeploymentId) == ConfirmationResult.Confirmed
                    ? Results.Json(confirmation, ControlPlaneJsonContext.Default.MachineConfirmation)
                    : Problems.Result(StatusCodes.Status409Conflict, ErrorCodes.ConfirmationNotDesired,
                        $"Deployment '{confirmation.DeploymentId}' is not machine '{name}''s desired deployment (a newer one took it, or it does not name the machine): roll back and ask for the desired state again.");
            }))
            .RequireAuthorization(RolePolicies.OwnMachine)
            .Produces<MachineConfirmation>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>The control plane's own binary cache as the agent reached the server (scheme, host and port it used).</summary>
    private static string CacheUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{ControlPlaneRoutes.Cache}";

    private static TimeSpan Seconds(string? wait) =>
        wait is null ? TimeSpan.Zero
        : int.TryParse(wait, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(Math.Min(seconds, (int)PullAgents.MaxWait.TotalSeconds))
        : throw new NixDeployException(ErrorCodes.RequestMalformed, $"wait={Identifiers.Show(wait)} is not a number of seconds: use 0 to {(int)PullAgents.MaxWait.TotalSeconds}.");

    private static T Read<T>(ReadOnlyMemory<byte> body, JsonTypeInfo<T> type, string shape)
    {
        try
        {
            return JsonSerializer.Deserialize(body.Span, type) ?? throw Invalid("it is null", shape);
        }
        catch (JsonException e)
        {
            throw Invalid($"it is not JSON of this shape: {e.Message}", shape);
        }
    }

    private static NixDeployException Invalid(string why, string shape) => new(ErrorCodes.RequestMalformed,
        $"The request body cannot be used ({why}): send {shape}.");
}
