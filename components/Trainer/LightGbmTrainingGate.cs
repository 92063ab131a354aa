namespace Pipelines.Components;

/// <summary>
/// Lets one LightGBM training run in this process at a time, waiting asynchronously (with cancellation) instead of blocking a
/// thread on ML.NET's lock.
/// </summary>
/// <remarks>
/// Static by necessity: the constraint is process-wide. The native <c>lib_lightgbm</c> has process-global state and ML.NET
/// serializes its native calls with a static lock of its own (<c>LightGbmShared</c>), so a gate per Trainer instance would not
/// serialize anything. Holding the gate for the whole fit (not just ML.NET's native section) also keeps a second training
/// from building its own copy of the dataset meanwhile, which bounds peak memory. Parallel trials go to separate worker
/// processes (the Tuner's subtasks).
/// </remarks>
internal static class LightGbmTrainingGate
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);

    /// <summary>Waits for the gate; dispose the result to release it.</summary>
    public static async Task<IDisposable> EnterAsync(Action<string> log, CancellationToken cancellationToken)
    {
        if (!s_gate.Wait(0, CancellationToken.None))
        {
            log("Waiting for another LightGBM training in this process to finish (one per process at a time).");
            await s_gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return new Releaser();
    }

    private sealed class Releaser : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                s_gate.Release();
            }
        }
    }
}
