using System.Diagnostics;

namespace Pipelines.Bench;

/// <summary>
/// One phase of the data benchmark, run interleaved with the others (a, b, c, a, b, c, ...) so that a busy neighbour on a
/// shared machine slows every phase alike: timings of the timed runs, and the peak memory of each run (VmHWM reset, after a
/// full GC, at the start of the run).
/// </summary>
public sealed class DataPhase(string name, Func<int, Task> action)
{
    private readonly List<double> _times = [];

    public string Name { get; } = name;

    public double Median => Sorted()[_times.Count / 2];

    public double Min => Sorted()[0];

    public double PeakMiB { get; private set; }

    public double StartMiB { get; private set; }

    public IReadOnlyList<double> Times => _times;

    /// <summary>Runs the phase once; <paramref name="repetition"/> 0 is the untimed warm-up (JIT).</summary>
    public async Task RunAsync(int repetition)
    {
        PeakMemory.Reset();
        var start = PeakMemory.PeakMiB();
        var watch = Stopwatch.StartNew();
        await action(repetition);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        PeakMiB = Math.Max(PeakMiB, PeakMemory.PeakMiB());
        StartMiB = Math.Max(StartMiB, start);
        if (repetition > 0)
        {
            _times.Add(elapsed);
        }
    }

    private List<double> Sorted() => [.. _times.Order()];
}
