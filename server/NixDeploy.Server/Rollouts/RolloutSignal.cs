namespace NixDeploy.Server.Rollouts;

/// <summary>Wakes the rollout runner when a deployment arrives, so it does not poll.</summary>
public sealed class RolloutSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the runner looks at every queued deployment when it wakes.
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _pending.WaitAsync(cancellationToken);
}
