using System.Diagnostics;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.Hosting;

/// <summary>Prints one line per node state change while a run executes, then a summary.</summary>
internal sealed class ProgressPrinter
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, ExecutionState> _seen = new(StringComparer.Ordinal);
    private readonly int _width;
    private readonly Lock _gate = new();
    private TimeSpan _runStart;

    public ProgressPrinter(Pipeline pipeline) => _width = Math.Max(12, pipeline.Components.Max(c => c.Id.Length) + 2);

    /// <summary>Marks the moment the run is recorded: the summary's time counts from it, as <c>runs</c> and <c>show</c> do.</summary>
    public void MarkRunStart() => _runStart = _clock.Elapsed;

    public void Log(string line)
    {
        lock (_gate)
        {
            Console.WriteLine($"[{_clock.Elapsed.TotalSeconds,7:0.0}s]   {line}");
        }
    }

    public void OnProgress(RunProgress progress)
    {
        lock (_gate)
        {
            foreach (var node in progress.Nodes)
            {
                if (_seen.TryGetValue(node.NodeId, out var previous) && previous == node.State)
                {
                    continue;
                }

                _seen[node.NodeId] = node.State;
                if (node.State == ExecutionState.New)
                {
                    continue;
                }

                var detail = node.State switch
                {
                    ExecutionState.Complete or ExecutionState.Cached when node.StartedAt is { } s && node.EndedAt is { } e => $"{(e - s).TotalSeconds:0.00}s",
                    ExecutionState.Failed or ExecutionState.Canceled => node.Error,
                    _ => null,
                };
                Console.WriteLine($"[{_clock.Elapsed.TotalSeconds,7:0.0}s] {node.NodeId.PadRight(_width)}{node.State,-9} {detail}");
            }
        }
    }

    public void PrintSummary(RunProgress progress)
    {
        var cached = progress.Nodes.Count(n => n.State == ExecutionState.Cached);
        var verdict = progress.State == RunState.Succeeded ? "succeeded" : "FAILED";
        var total = _clock.Elapsed;
        Console.WriteLine($"Run {progress.RunId} {verdict} in {(total - _runStart).TotalSeconds:0.0}s ({progress.Nodes.Count} nodes, {cached} cached; {total.TotalSeconds:0.0}s with the engine's start).");
        if (progress.Error is not null)
        {
            Console.WriteLine($"Reason: {progress.Error}");
        }

        Console.WriteLine($"Details: show {progress.RunId}");
    }
}
