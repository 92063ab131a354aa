namespace Pipelines.Components;

/// <summary>One output split of a hash split and its share of the hash buckets (TFX <c>SplitConfig</c>).</summary>
/// <param name="Name">The split name, e.g. <c>train</c>; becomes the directory <c>Split-&lt;name&gt;</c>.</param>
/// <param name="Buckets">Its number of hash buckets; a split receives about <c>Buckets / Σ Buckets</c> of the rows.</param>
public sealed record SplitRatio(string Name, int Buckets);
