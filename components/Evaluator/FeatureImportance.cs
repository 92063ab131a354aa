namespace Pipelines.Components;

/// <summary>Global feature importance of the candidate model.</summary>
/// <param name="Permutation">Permutation importance on raw columns, or null when turned off or not computable.</param>
/// <param name="Gain">GBDT split-gain importance of the trained features, when the predictor exposes it.</param>
public sealed record FeatureImportance(PermutationImportance? Permutation, GainImportance Gain);

/// <summary>
/// Permutation importance: for each raw input column, the eval sample is scored again with that column's values shuffled
/// among the rows (seeded), and the metric's degradation is recorded (positive = the model relies on the column; about 0 =
/// it does not; negative = noise). Computed on raw columns, so a one-hot or hashed column counts once.
/// </summary>
/// <param name="Metric">The metric measured.</param>
/// <param name="Rows">Rows in the sample.</param>
/// <param name="Repeats">Shuffles per column.</param>
/// <param name="Seed">The seed of the sample and the shuffles.</param>
/// <param name="Value">The metric on the unshuffled sample.</param>
/// <param name="Features">Per column, most important first.</param>
public sealed record PermutationImportance(string Metric, int Rows, int Repeats, int Seed, double Value, IReadOnlyList<ColumnImportance> Features);

/// <summary>The permutation importance of one raw column.</summary>
/// <param name="Column">The raw column.</param>
/// <param name="Importance">Mean degradation of the metric over the shuffles (direction-aware: positive is worse).</param>
/// <param name="StdDev">Standard deviation over the shuffles.</param>
public sealed record ColumnImportance(string Column, double Importance, double StdDev);

/// <summary>GBDT gain importance: the split gains of every tree (the trainer's own gain units: the loss reduction of each
/// split), summed per slot of the trained feature vector for numerical splits and per slot range for categorical splits (a
/// one-hot block LightGBM splits as one categorical feature), over the classes of a multiclass model.</summary>
/// <param name="Available">Whether the predictor exposes it.</param>
/// <param name="Reason">Why not, when unavailable.</param>
/// <param name="Features">Per feature slot (its slot name, e.g. <c>island.Biscoe</c>) or categorical slot range (e.g.
/// <c>origin_onehot</c>), largest gain first.</param>
public sealed record GainImportance(bool Available, string? Reason, IReadOnlyList<FeatureGain> Features);

/// <summary>The gain of one feature slot, or of one slot range split as a categorical feature.</summary>
/// <param name="Feature">The slot name (<c>f&lt;index&gt;</c> when the feature vector has no slot names), or for a range its
/// slots' common prefix before the dot (<c>origin_onehot</c>), else "first … last".</param>
/// <param name="Gain">Summed split gain.</param>
/// <param name="Share">Gain as a share of the total (0 to 1).</param>
public sealed record FeatureGain(string Feature, double Gain, double Share)
{
    /// <summary>The slots it covers: 1 for a slot, the range's size for a categorical feature.</summary>
    public int Slots { get; init; } = 1;
}
