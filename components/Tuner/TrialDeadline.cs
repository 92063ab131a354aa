namespace Pipelines.Components;

/// <summary>
/// Cancels a trial's token source at its deadline from a thread of its own. <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>
/// cancels from a timer callback queued to the thread pool, and a fit that keeps the pool's threads busy delays it: FastTree
/// (parallel split search on pool threads) trained a 20,000-tree fit to its end, 7.5 s, with the cancel due at 0.5 s never
/// delivered (2026-12-02), which is why Tuner trials ran for minutes past their budget in CI. Cancelled from a dedicated
/// thread, ML.NET's context (<see cref="MLContextCancellation"/>) stopped the same fit within 3 iterations.
/// </summary>
internal sealed class TrialDeadline : IDisposable
{
    private readonly ManualResetEventSlim _ended = new();
    private readonly Thread _thread;

    /// <summary>Cancels <paramref name="source"/> after <paramref name="delay"/> unless disposed first.</summary>
    public TrialDeadline(CancellationTokenSource source, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(source);
        _thread = new Thread(() =>
        {
            if (!_ended.Wait(delay))
            {
                source.Cancel();
            }
        })
        {
            IsBackground = true,
            Name = "Tuner trial deadline",
        };
        _thread.Start();
    }

    /// <summary>Stops the wait; returns once a cancel in progress has finished (the source may be disposed after).</summary>
    public void Dispose()
    {
        _ended.Set();
        _thread.Join();
        _ended.Dispose();
    }
}
