namespace Pipelines.Components;

/// <summary>
/// Resolves the baseline for drift and size checks: among the live statistics written by the producer of the node's wired
/// <c>statistics</c> input in earlier runs, the one with the highest <c>span</c> below the current statistics' span (newest
/// first among equal spans). When the current statistics have no span, the newest earlier statistics. The current artifact
/// itself (a cache hit reuses an earlier run's artifact) is never its own baseline. Empty when nothing qualifies.
/// </summary>
/// <param name="producerNodeId">The node writing the statistics (e.g. <c>StatisticsGen</c>).</param>
/// <param name="outputPort">Its output port.</param>
/// <param name="wiredPort">The port of the resolving node that holds the current statistics.</param>
public sealed class PreviousSpanStatisticsResolver(string producerNodeId, string outputPort = "statistics", string wiredPort = "statistics") : IInputResolver
{
    /// <summary>The node writing the statistics.</summary>
    public string ProducerNodeId { get; } = producerNodeId;

    /// <summary>Its output port.</summary>
    public string OutputPort { get; } = outputPort;

    /// <summary>The resolving node's port holding the current statistics.</summary>
    public string WiredPort { get; } = wiredPort;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Artifact>> ResolveAsync(InputResolutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = context.WiredInputs.TryGetValue(WiredPort, out var wired) && wired.Count > 0 ? wired[0] : null;
        var currentSpan = current?.GetInt64("span");
        var candidates = await context.Query
            .FindLiveOutputsAsync(context.PipelineName, ProducerNodeId, OutputPort, context.RunId, cancellationToken)
            .ConfigureAwait(false);

        Artifact? best = null;
        long? bestSpan = null;
        foreach (var candidate in candidates)
        {
            var artifact = candidate.Artifact;
            if (current is not null && artifact.Id == current.Id)
            {
                continue;
            }

            if (currentSpan is null)
            {
                return [artifact]; // newest first: the first other one is the newest previous statistics
            }

            // Strictly greater keeps the newest among equal spans (candidates come newest first).
            if (artifact.GetInt64("span") is { } span && span < currentSpan && (bestSpan is null || span > bestSpan))
            {
                best = artifact;
                bestSpan = span;
            }
        }

        return best is null ? [] : [best];
    }
}
