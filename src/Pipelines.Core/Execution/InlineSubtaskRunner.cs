using System.Diagnostics;

namespace Pipelines;

/// <summary>Runs subtasks one after another in this process: for executor tests, where there is no orchestrator.
/// Handlers are found by kind among those registered with <see cref="Register"/>.</summary>
public sealed class InlineSubtaskRunner : ISubtaskRunner
{
    private readonly Dictionary<string, ISubtaskHandler> _handlers = new(StringComparer.Ordinal);
    private readonly string _nodeId;

    /// <summary>Creates a runner for a node.</summary>
    public InlineSubtaskRunner(string nodeId, IEnumerable<ISubtaskHandler>? handlers = null)
    {
        _nodeId = nodeId;
        foreach (var h in handlers ?? [])
        {
            Register(h);
        }
    }

    /// <summary>Adds a handler.</summary>
    public void Register(ISubtaskHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[handler.Kind] = handler;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubtaskResult>> RunAsync(string kind, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!_handlers.TryGetValue(kind, out var handler))
        {
            throw new InvalidOperationException($"Node '{_nodeId}' has no subtask handler '{kind}'.");
        }

        var results = new List<SubtaskResult>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var output = await handler.ExecuteAsync(inputs[i], cancellationToken).ConfigureAwait(false);
                results.Add(new SubtaskResult(i, inputs[i], output, null, clock.Elapsed.TotalSeconds, "inline"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results.Add(new SubtaskResult(i, inputs[i], null, $"{ex.GetType().Name}: {ex.Message}", clock.Elapsed.TotalSeconds, "inline"));
            }
        }

        return results;
    }
}
