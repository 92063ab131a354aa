using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>Knobs of <see cref="Transform"/>.</summary>
public sealed record TransformOptions
{
    /// <summary>The user's preprocessing: a class implementing <see cref="IPreprocessing"/> with a public parameterless
    /// constructor, e.g. <c>typeof(PenguinPreprocessing)</c>. Its full name, assembly and the assembly's MVID enter the cache
    /// fingerprint, so editing the class re-runs Transform.</summary>
    [JsonConverter(typeof(UserCodeTypeJsonConverter))]
    public Type? Preprocessing { get; init; }

    /// <summary>The split the preprocessing is fitted on (the analyze pass, TFX's <c>splits_config.analyze</c>); every split is
    /// then transformed. Default <c>train</c>.</summary>
    public string AnalyzeSplit { get; init; } = "train";

    /// <summary>The seed of the <c>MLContext</c> the preprocessing is built and fitted with (fitting is deterministic). Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Columns written to the transformed examples (null = every column the preprocessing outputs). The schema's label column
    /// is always kept. Naming only what the Trainer reads (e.g. <c>["Features"]</c>) makes large datasets much cheaper to
    /// write and read; the transform graph itself is unaffected.
    /// </summary>
    public IReadOnlyList<string>? OutputColumns { get; init; }

    /// <summary>
    /// Whether the transformed examples are written (TFX's <c>materialize</c>). Default true. False: the node fits the
    /// preprocessing and writes only the transform graph; the Trainer and the Tuner then take the raw examples
    /// (<c>exampleGen.Outputs.Examples</c>) with the graph and apply it while they read. Worth it when the transformed copy
    /// would be read once (one Trainer, no Tuner) and is large: writing, hashing and re-reading it costs more than transforming
    /// in the Trainer. Keep it true when several trials or trainers read the same transformed rows.
    /// </summary>
    public bool Materialize { get; init; } = true;
}
