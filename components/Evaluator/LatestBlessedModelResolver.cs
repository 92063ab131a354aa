namespace Pipelines.Components;

/// <summary>
/// Resolves the Evaluator's baseline: the model of the newest live <see cref="ModelBlessing"/> with <c>blessed</c> = 1 written by
/// this Evaluator node in an earlier run of the pipeline (TFX <c>LatestBlessedModelStrategy</c>): the latest <i>blessed</i>
/// model, not the latest model. Blessings whose model (property <c>model_id</c>) is no longer live are passed over, and so is
/// the candidate itself (same artifact or same content): re-running an unchanged pipeline then resolves the same baseline as
/// before, so the Evaluator is reused from the cache instead of comparing the model with itself. Empty on the first run, or
/// while no other model has been blessed.
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
        var candidate = context.WiredInputs.TryGetValue(Evaluator.ModelPort, out var models) && models.Count > 0 ? models[0] : null;
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

            if (candidate is not null && modelId == candidate.Id)
            {
                continue;
            }

            if (await context.Query.GetLiveArtifactAsync(modelId, cancellationToken).ConfigureAwait(false) is Model model)
            {
                if (candidate?.ContentHash is { } hash && model.ContentHash == hash)
                {
                    continue;
                }

                return [model];
            }
        }

        return [];
    }
}
