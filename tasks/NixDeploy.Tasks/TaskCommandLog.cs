using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using NixDeploy.Processes;

namespace NixDeploy.Tasks;

/// <summary>Routes the core's progress into the build log: commands at normal verbosity, details below it.</summary>
internal sealed class TaskCommandLog(TaskLoggingHelper log) : ICommandLog
{
    public void Command(string displayLine) => log.LogMessage(MessageImportance.Normal, "NixDeploy: running {0}", displayLine);

    public void Info(string message) => log.LogMessage(MessageImportance.High, message);

    public void Verbose(string message) => log.LogMessage(MessageImportance.Low, message);

    public void Warning(string code, string message) => log.LogWarning(null, code, null, null, 0, 0, 0, 0, message);
}
