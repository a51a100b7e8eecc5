using NixDeploy.Progress;

namespace NixDeploy.Tool.Output;

/// <summary>For --json: stdout carries the JSON document only.</summary>
public sealed class SilentView : IProgressView
{
    public Task<T> ShowAsync<T>(string title, Func<Action<ProgressEvent>, Task<T>> work) => work(_ => { });
}
