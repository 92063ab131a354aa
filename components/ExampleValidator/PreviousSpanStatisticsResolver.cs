namespace Pipelines.Components;

/// <summary>
/// Resolves the baseline for drift and size checks, among the live statistics written by the producer of the node's wired
/// <c>statistics</c> input in earlier runs:
/// <list type="bullet">
/// <item>when the current statistics have a <c>span</c>: the one with the highest span below it (newest first among equal
/// spans); candidates without a span are ignored;</item>
/// <item>when they have none (ExampleGen's input pattern has no <c>{SPAN}</c>): the newest one whose content
/// (<see cref="Artifact.ContentHash"/>) differs from the current one, i.e. the previous <i>different</i> data. Identical
/// statistics (a re-run of the same data) would show no drift and no size change, so they are skipped.</item>
/// </list>
/// The current artifact itself (a cache hit reuses an earlier run's artifact) is never its own baseline. Among the candidates
/// that qualify, statistics that this node's last validation of them did not bless (property <c>blessed</c> = 0 on its
/// <c>anomalies</c> output, matched through the <c>statistics_id</c> property) are passed over for the next one: a rejected span
/// is a poor reference. When every candidate was rejected the best one is used anyway. Empty when nothing qualifies.
/// </summary>
/// <param name="producerNodeId">The node writing the statistics (e.g. <c>StatisticsGen</c>).</param>
/// <param name="outputPort">Its output port.</param>
/// <param name="wiredPort">The port of the resolving node that holds the current statistics.</param>
/// <param name="anomaliesPort">The resolving node's output port holding its verdicts (<c>blessed</c>, <c>statistics_id</c>);
/// null = do not look at earlier verdicts.</param>
public sealed class PreviousSpanStatisticsResolver(
    string producerNodeId,
    string outputPort = "statistics",
    string wiredPort = "statistics",
    string? anomaliesPort = "anomalies") : IInputResolver
{
    /// <summary>The property of an anomalies artifact naming the statistics artifact it judged.</summary>
    public const string StatisticsIdProperty = "statistics_id";

    /// <summary>The property of an anomalies artifact: 1 when the statistics had no error anomaly, else 0.</summary>
    public const string BlessedProperty = "blessed";

    /// <summary>The node writing the statistics.</summary>
    public string ProducerNodeId { get; } = producerNodeId;

    /// <summary>Its output port.</summary>
    public string OutputPort { get; } = outputPort;

    /// <summary>The resolving node's port holding the current statistics.</summary>
    public string WiredPort { get; } = wiredPort;

    /// <summary>The resolving node's output port holding its verdicts, or null.</summary>
    public string? AnomaliesPort { get; } = anomaliesPort;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Artifact>> ResolveAsync(InputResolutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = context.WiredInputs.TryGetValue(WiredPort, out var wired) && wired.Count > 0 ? wired[0] : null;
        var currentSpan = current?.GetInt64("span");
        var candidates = await context.Query
            .FindLiveOutputsAsync(context.PipelineName, ProducerNodeId, OutputPort, context.RunId, cancellationToken)
            .ConfigureAwait(false);

        // Candidates come newest first; keep that order within a span so "first qualifying" means "newest".
        var qualifying = new List<Artifact>();
        foreach (var candidate in candidates)
        {
            var artifact = candidate.Artifact;
            if (current is not null && artifact.Id == current.Id)
            {
                continue;
            }

            if (currentSpan is null)
            {
                if (current?.ContentHash is not { } hash || !string.Equals(artifact.ContentHash, hash, StringComparison.Ordinal))
                {
                    qualifying.Add(artifact);
                }
            }
            else if (artifact.GetInt64("span") is { } span && span < currentSpan)
            {
                qualifying.Add(artifact);
            }
        }

        if (qualifying.Count == 0)
        {
            return [];
        }

        if (currentSpan is not null)
        {
            // Highest span first; the sort is stable, so the newest stays first among equal spans.
            qualifying = [.. qualifying.OrderByDescending(a => a.GetInt64("span")!.Value)];
        }

        var rejected = await RejectedStatisticsAsync(context, cancellationToken).ConfigureAwait(false);
        return [qualifying.Find(a => !rejected.Contains(a.Id)) ?? qualifying[0]];
    }

    // The statistics ids whose newest verdict by this node was "not blessed".
    private async Task<HashSet<long>> RejectedStatisticsAsync(InputResolutionContext context, CancellationToken cancellationToken)
    {
        var rejected = new HashSet<long>();
        if (AnomaliesPort is null)
        {
            return rejected;
        }

        var verdicts = await context.Query
            .FindLiveOutputsAsync(context.PipelineName, context.NodeId, AnomaliesPort, context.RunId, cancellationToken)
            .ConfigureAwait(false);
        var judged = new HashSet<long>();
        foreach (var verdict in verdicts)
        {
            if (verdict.Artifact.GetInt64(StatisticsIdProperty) is { } statisticsId && judged.Add(statisticsId)
                && verdict.Artifact.GetInt64(BlessedProperty) == 0)
            {
                rejected.Add(statisticsId);
            }
        }

        return rejected;
    }
}
