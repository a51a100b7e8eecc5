using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NixDeploy.Server.Cache;

/// <summary>Collects the cache every <c>cache.collectEveryHours</c> (none when 0); a failed collection waits for the next.</summary>
public sealed class CacheCollectionSchedule(CacheCollector collector, CacheSettings settings, ILogger<CacheCollectionSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.CollectEveryHours <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(settings.CollectEveryHours));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await collector.CollectAsync(stoppingToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Cache collection failed ({Error}); the next one tries again", e.Message);
            }
        }
    }
}
