using NixDeploy.Progress;

namespace NixDeploy.Tool.Output;

/// <summary>How a running command shows per-machine progress: a live table in a terminal, plain lines otherwise, nothing for --json.</summary>
public interface IProgressView
{
    /// <summary>Runs <paramref name="work"/>, showing every <see cref="ProgressEvent"/> it reports until it ends.</summary>
    Task<T> ShowAsync<T>(string title, Func<Action<ProgressEvent>, Task<T>> work);
}
