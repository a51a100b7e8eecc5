using Microsoft.Extensions.Logging;
using NixDeploy.Processes;

namespace NixDeploy.Server.Rollouts;

/// <summary>The core's command log as the server's structured log.</summary>
public sealed class LoggerCommandLog(ILogger logger) : ICommandLog
{
    public void Command(string displayLine) => logger.LogDebug("Running {Command}", displayLine);

    public void Info(string message) => logger.LogInformation("{Message}", message);

    public void Verbose(string message) => logger.LogDebug("{Message}", message);

    public void Warning(string code, string message) => logger.LogWarning("{Code}: {Message}", code, message);
}
