namespace Pipelines;

// One small sealed type per artifact kind (TFX standard_artifacts). Each is documented with its on-disk layout.
// Kept in one file because each is a two-line declaration; the layout docs are the substance.

/// <summary>Examples split into named splits.</summary>
/// <remarks>
/// Layout: <c>Split-&lt;name&gt;/</c> per split in the columnar format of <see cref="Data.ColumnarFormat"/>.
/// Properties: <c>split_names</c> (JSON list as string), <c>span</c>, <c>version</c>, <c>row_count</c>,
/// <c>skipped_rows</c>.
/// </remarks>
public sealed class Examples : Artifact
{
    /// <summary>The split names recorded on this artifact.</summary>
    public IReadOnlyList<string> SplitNames => SplitNamesProperty.Parse(GetString(SplitNamesProperty.Name));

    /// <summary>The directory holding split <paramref name="split"/>.</summary>
    public string SplitUri(string split) => Path.Combine(Uri, "Split-" + split);
}

/// <summary>Per split, per column statistics (StatisticsGen).</summary>
/// <remarks>Layout: <c>statistics.json</c>, a <see cref="Validation.DatasetStatistics"/>. Properties: <c>split_names</c>, <c>span</c>.</remarks>
public sealed class ExampleStatistics : Artifact
{
    /// <summary>The JSON file holding the statistics.</summary>
    public string FilePath => Path.Combine(Uri, "statistics.json");
}

/// <summary>A data schema (SchemaGen, or a curated schema).</summary>
/// <remarks>Layout: <c>schema.json</c>, a <see cref="Validation.DataSchema"/>; format documented in <c>schemas/README.md</c>.</remarks>
public sealed class Schema : Artifact
{
    /// <summary>The JSON file holding the schema.</summary>
    public string FilePath => Path.Combine(Uri, "schema.json");
}

/// <summary>Anomalies found by ExampleValidator.</summary>
/// <remarks>Layout: <c>anomalies.json</c>, a <see cref="Validation.AnomalyReport"/>. Properties: <c>split_names</c>, <c>span</c>,
/// <c>errors</c>, <c>warnings</c>, <c>blessed</c> (1 when no error), <c>statistics_id</c> (the statistics validated).
/// Published Live even when validation fails the run (with the Failed execution), so the report can be read.</remarks>
public sealed class ExampleAnomalies : Artifact
{
    /// <summary>The JSON file holding the anomaly report.</summary>
    public string FilePath => Path.Combine(Uri, "anomalies.json");
}

/// <summary>A fitted preprocessing graph (Transform).</summary>
/// <remarks>Layout: <c>transform.zip</c>, an ML.NET transformer chain.</remarks>
public sealed class TransformGraph : Artifact;

/// <summary>A trained model: the transform and model chain as one ML.NET model file.</summary>
/// <remarks>Layout: <c>model.zip</c>, <c>input_schema.json</c>, <c>training_log.json</c>.</remarks>
public sealed class Model : Artifact;

/// <summary>The best hyper-parameters found by the Tuner.</summary>
/// <remarks>Layout: <c>hyperparameters.json</c>, <c>trials.json</c>.</remarks>
public sealed class HyperParameters : Artifact;

/// <summary>Evaluation metrics, overall and per slice, candidate and baseline.</summary>
/// <remarks>Layout: <c>evaluation.json</c>.</remarks>
public sealed class ModelEvaluation : Artifact;

/// <summary>Whether the Evaluator blessed a model. Property <c>blessed</c> (0/1).</summary>
/// <remarks>Layout: <c>BLESSED</c> or <c>NOT_BLESSED</c> marker file with the reasons.</remarks>
public sealed class ModelBlessing : Artifact;

/// <summary>Whether the InfraValidator blessed a model. Property <c>blessed</c> (0/1).</summary>
/// <remarks>Layout: <c>INFRA_BLESSED</c> or <c>INFRA_NOT_BLESSED</c> marker file with the reason.</remarks>
public sealed class InfraBlessing : Artifact;

/// <summary>A model pushed to a serving destination. Properties <c>pushed</c>, <c>pushed_destination</c>, <c>pushed_version</c>.</summary>
/// <remarks>Layout: a copy of the pushed model.</remarks>
public sealed class PushedModel : Artifact;
