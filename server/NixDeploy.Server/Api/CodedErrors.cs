using Microsoft.AspNetCore.Http;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Http;

namespace NixDeploy.Server.Api;

/// <summary>Runs an endpoint's body and answers a coded failure of its input as problem+json (413 for a body too large, else 400).</summary>
public static class CodedErrors
{
    public static async Task<IResult> AnswerAsync(Func<Task<IResult>> body)
    {
        try
        {
            return await body();
        }
        catch (NixDeployException e) when (e.Code == ErrorCodes.RequestTooLarge)
        {
            return Problems.Result(StatusCodes.Status413PayloadTooLarge, e.Code, e.Diagnostics[0].Message);
        }
        catch (NixDeployException e)
        {
            return Problems.BadRequest(e);
        }
    }

    public static IResult NotFound(string what) =>
        Problems.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"{what} does not exist on this server.");
}
