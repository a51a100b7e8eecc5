using Microsoft.Build.Framework;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace NixDeploy.Tasks;

/// <summary>
/// Base of every NixDeploy task: runs the async core, reports coded failures as MSBuild errors with their file
/// (never a stack trace), and stops external commands when the build is cancelled. An error without a file of its
/// own names the project, never the SDK's targets file.
/// </summary>
public abstract class NixDeployTask : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>$(MSBuildProjectFullPath): the file errors about settings name (the task node's own file is one of the SDK's .targets).</summary>
    public string ProjectFile { get; set; } = "";

    public void Cancel() => _cancellation.Cancel();

    public sealed override bool Execute()
    {
        try
        {
            ExecuteAsync(_cancellation.Token).GetAwaiter().GetResult();
        }
        catch (NixDeployException e)
        {
            foreach (var diagnostic in e.Diagnostics)
                LogError(diagnostic);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            Log.LogWarning("The build was cancelled.");
        }
        catch (Exception e) when (e is not (OutOfMemoryException or StackOverflowException))
        {
            LogError(new Diagnostic(ErrorCodes.InternalError,
                $"NixDeploy.Sdk failed unexpectedly ({e.GetType().Name}: {e.Message}). This is a bug: please report it with the build log (-v:diag).", ProjectFile));
            Log.LogMessage(MessageImportance.Low, e.ToString());
        }
        return !Log.HasLoggedErrors;
    }

    protected abstract Task ExecuteAsync(CancellationToken cancellationToken);

    protected ProcessRunner CreateRunner() => new(new TaskCommandLog(Log));

    protected void LogError(Diagnostic diagnostic) =>
        Log.LogError(null, diagnostic.Code, null, diagnostic.File ?? NullIfEmpty(ProjectFile), diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);

    protected void LogWarning(Diagnostic diagnostic) =>
        Log.LogWarning(null, diagnostic.Code, null, diagnostic.File ?? NullIfEmpty(ProjectFile), diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
