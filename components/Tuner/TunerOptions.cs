namespace Pipelines.Components;

/// <summary>Options of the <see cref="Tuner"/>: the trainer to tune, the space, and the budget.</summary>
public sealed record TunerOptions
{
    /// <summary>The trainer configuration whose algorithm options are tuned (LightGBM or FastTree).</summary>
    public required TrainerOptions Trainer { get; init; }

    /// <summary>The search space: algorithm option names with ranges.</summary>
    public required IReadOnlyList<SearchDimension> Space { get; init; }

    /// <summary>Random configurations drawn for the first round.</summary>
    public int Trials { get; init; } = 12;

    /// <summary>Successive halving factor: each round keeps the best 1/Eta and gives them Eta times the iterations.</summary>
    public int Eta { get; init; } = 3;

    /// <summary>Boosting iterations in the first (cheapest) round.</summary>
    public int MinIterations { get; init; } = 25;

    /// <summary>Boosting iterations in the last round (default: the trainer's NumberOfIterations).</summary>
    public int? MaxIterations { get; init; }

    /// <summary>The eval metric to optimise, as named in the Trainer's training log (default by task: AreaUnderRocCurve,
    /// LogLoss, RootMeanSquaredError, NDCG@10); checked against the task's names when the pipeline is declared.</summary>
    public string? Metric { get; init; }

    /// <summary>How long tuning may take, from the Tuner's start: no trial starts after it and a running one is stopped within an
    /// iteration (the C API engine after its current one; ML.NET's LightGBM trainer through its cancelled context, see
    /// <c>MLContextCancellation</c>; FastTree within a few iterations the same way, see the Tuner's README). The best
    /// trial of the last round in which any finished wins; a budget that ends before any first-round trial finishes is an error
    /// saying so. The deadline is a UTC time, read by each worker's clock.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Seed of the configuration draws.</summary>
    public int Seed { get; init; } = 1;
}
