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
    // WaitHandle waits take at most int.MaxValue ms (24.8 days); longer budgets wait in slices.
    private static readonly TimeSpan s_longestWait = TimeSpan.FromMilliseconds(int.MaxValue);
    private readonly ManualResetEventSlim _ended = new();
    private readonly Thread _thread;
    private bool _disposed;

    /// <summary>Cancels <paramref name="source"/> after <paramref name="delay"/> unless disposed first.</summary>
    public TrialDeadline(CancellationTokenSource source, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(source);
        var due = DateTimeOffset.UtcNow + delay;
        _thread = new Thread(() => WaitThenCancel(source, due))
        {
            IsBackground = true,
            Name = "Tuner trial deadline",
        };
        _thread.Start();
    }

    /// <summary>Stops the wait; returns once a cancel in progress has finished (the source may be disposed after).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ended.Set();
        if (Thread.CurrentThread != _thread)
        {
            // A continuation run inline by the cancel would otherwise wait for its own thread.
            _thread.Join();
        }

        _ended.Dispose();
    }

    private void WaitThenCancel(CancellationTokenSource source, DateTimeOffset due)
    {
        for (var left = due - DateTimeOffset.UtcNow; left > TimeSpan.Zero; left = due - DateTimeOffset.UtcNow)
        {
            if (_ended.Wait(left < s_longestWait ? left : s_longestWait))
            {
                return;
            }
        }

        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // A callback failed while stopping the trial (the trial sees its token cancelled all the same); an exception
            // escaping this thread would end the worker's process.
        }
    }
}
