namespace Pipelines.Components;

/// <summary>
/// Resolves the Evaluator's baseline: the model of the newest live <see cref="ModelBlessing"/> with <c>blessed</c> = 1 written by
/// this Evaluator node in an earlier run of the pipeline (TFX <c>LatestBlessedModelStrategy</c>): the latest <i>blessed</i>
/// model, not the latest model. Blessings whose model (property <c>model_id</c>) is no longer live are passed over. Empty on the
/// first run, or while no model has been blessed.
/// </summary>
/// <param name="blessingPort">The Evaluator's output port holding its blessings.</param>
public sealed class LatestBlessedModelResolver(string blessingPort = Evaluator.BlessingPort) : IInputResolver
{
    /// <summary>The blessing property naming the evaluated model.</summary>
    public const string ModelIdProperty = "model_id";

    /// <summary>The blessing property: 1 when blessed.</summary>
    public const string BlessedProperty = "blessed";

    /// <summary>The Evaluator's output port holding its blessings.</summary>
    public string BlessingPort { get; } = blessingPort;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Artifact>> ResolveAsync(InputResolutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var blessings = await context.Query
            .FindLiveOutputsAsync(context.PipelineName, context.NodeId, BlessingPort, context.RunId, cancellationToken)
            .ConfigureAwait(false);
        foreach (var produced in blessings)
        {
            var blessing = produced.Artifact;
            if (blessing.GetInt64(BlessedProperty) != 1 || blessing.GetInt64(ModelIdProperty) is not { } modelId)
            {
                continue;
            }

            if (await context.Query.GetLiveArtifactAsync(modelId, cancellationToken).ConfigureAwait(false) is Model model)
            {
                return [model];
            }
        }

        return [];
    }
}
