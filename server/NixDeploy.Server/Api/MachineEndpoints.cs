using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NixDeploy.Blueprint;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Rollouts;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Api;

/// <summary><c>/api/v1/machines</c>: each machine's desired and live closure and last result (read); a rollback (operator).</summary>
public static class MachineEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ControlPlaneRoutes.Machines, (IControlPlaneStore store) => Results.Json(store.Machines(), ControlPlaneJsonContext.Default.IReadOnlyListMachineState))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces<IReadOnlyList<MachineState>>();

        app.MapGet(ControlPlaneRoutes.Machines + "/{name}", (string name, IControlPlaneStore store) => CodedErrors.AnswerAsync(() =>
                Task.FromResult(store.Machine(RequireName(name)) is { } machine
                    ? Results.Json(machine, ControlPlaneJsonContext.Default.MachineState)
                    : CodedErrors.NotFound($"Machine '{name}'"))))
            .RequireAuthorization(Names.Of(TokenRole.Read))
            .Produces<MachineState>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost(ControlPlaneRoutes.Machines + "/{name}/rollback", (string name, MachineRollbacks rollbacks, HttpContext context) => CodedErrors.AnswerAsync(async () =>
                await rollbacks.RollBackAsync(RequireName(name), context.RequestAborted) is { } outcome
                    ? Results.Json(outcome, ControlPlaneJsonContext.Default.RollbackOutcome)
                    : CodedErrors.NotFound($"Machine '{name}' (no deployment named it)")))
            .RequireAuthorization(Names.Of(TokenRole.Operator))
            .Produces<RollbackOutcome>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static string RequireName(string name) => Identifiers.IsMachineName(name)
        ? name
        : throw new NixDeployException(ErrorCodes.UnsafeMachineName,
            $"Machine name {Identifiers.Show(name)} is not allowed: use letters, digits, '-' and '_' (at most 63, starting with a letter or digit).");
}
