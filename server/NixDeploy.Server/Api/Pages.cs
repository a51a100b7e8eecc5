using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Api;

/// <summary>A paged list (<c>?limit=N&amp;before=ID</c>, newest first): the size checked, <c>before</c> an existing item's id.</summary>
public static class Pages
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <param name="what">The items, singular, for the message about a <c>before</c> that names none.</param>
    public static Task<IResult> AnswerAsync<T>(string? limit, string? before, string what, Func<string, bool> exists, Func<int, string?, T> page, JsonTypeInfo<T> type) =>
        CodedErrors.AnswerAsync(() =>
        {
            var size = Size(limit);
            if (before is not null && !exists(before))
                throw new NixDeployException(ErrorCodes.RequestMalformed, $"before={before} names no {what}: pass the 'next' of the previous page.");
            return Task.FromResult(Results.Json(page(size, before), type));
        });

    private static int Size(string? limit)
    {
        if (limit is null)
            return DefaultPageSize;
        return int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= MaxPageSize
            ? size
            : throw new NixDeployException(ErrorCodes.RequestMalformed, $"limit={limit} is not a page size: use a whole number from 1 to {MaxPageSize}.");
    }
}
