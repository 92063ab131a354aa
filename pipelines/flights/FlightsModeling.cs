using Pipelines;
using Pipelines.Components;

namespace Flights;

/// <summary>
/// The flights pipeline up to the Evaluator: ExampleGen → StatisticsGen → SchemaGen → ExampleValidator → Transform → Trainer →
/// Evaluator. <c>Program.cs</c> adds InfraValidator and Pusher; the benchmark (<c>bench/</c>) runs exactly these nodes, so the
/// two cannot drift apart.
/// </summary>
public sealed class FlightsModeling
{
    /// <summary>Declares the nodes reading the Parquet file named by <paramref name="input"/>.</summary>
    /// <param name="input">The Parquet file.</param>
    /// <param name="materializeTransform">Write the transformed examples and train on them (TFX's default) instead of transforming
    /// while the Trainer reads the raw rows; the benchmark compares the two.</param>
    public FlightsModeling(PipelineParameter input, bool materializeTransform = false)
    {
        ExampleGen = new ExampleGen(input, new ExampleGenOptions { LabelColumn = "delay" });
        StatisticsGen = new StatisticsGen(ExampleGen.Outputs.Examples);
        SchemaGen = new SchemaGen(StatisticsGen.Outputs.Statistics, new SchemaGenOptions { LabelColumn = "delay" });
        ExampleValidator = new ExampleValidator(StatisticsGen.Outputs.Statistics, SchemaGen.Outputs.Schema);

        // Not materialized (TFX's materialize=False): one Trainer reads the 3M transformed rows once, so writing, hashing and
        // re-reading a transformed copy (≈ 200 MB per run) costs more than transforming while the Trainer reads the raw rows.
        // Materialized, only the feature vector (and the label) would be written: the Trainer reads nothing else.
        Transform = new Transform(ExampleGen.Outputs.Examples, SchemaGen.Outputs.Schema, new TransformOptions
        {
            Preprocessing = typeof(FlightsPreprocessing),
            Materialize = materializeTransform,
            OutputColumns = materializeTransform ? ["Features"] : null,
        });

        Trainer = new Trainer(
            materializeTransform ? Transform.Outputs.TransformedExamples : ExampleGen.Outputs.Examples,
            Transform.Outputs.TransformGraph,
            SchemaGen.Outputs.Schema,
            new TrainerOptions
            {
                Task = TrainingTask.BinaryClassification,
                PositiveAbove = 15, // delayed = delay > 15 minutes
                // The benchmark's native baseline's settings (bench/ LightGbmSettings), including its bin sample of 65,536 rows
                // (ML.NET's fixed sample; native LightGBM's default, the Trainer's, is 200,000: +0.3 s of binning on 2M rows).
                Algorithm = new LightGbmOptions { NumberOfIterations = 100, NumberOfLeaves = 31, LearningRate = 0.1, MinimumExampleCountPerLeaf = 20, BinSampleCount = 65_536, UseCategoricalSplit = true },
            });

        // Data anomalies stop the run before training; Transform's fit (under a second) runs beside the validation.
        Trainer.RunAfter(ExampleValidator);
        Evaluator = new Evaluator(ExampleGen.Outputs.Examples, Trainer.Outputs.Model, new EvaluatorOptions
        {
            SliceColumns = ["origin"],
            MinSliceSize = 1000,
            Thresholds = [new MetricThreshold(MetricNames.Auc, Lower: 0.70)],
            ChangeThresholds = [new ChangeThreshold(MetricNames.Auc, ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
        });
    }

    /// <summary>Reads the Parquet file.</summary>
    public ExampleGen ExampleGen { get; }

    /// <summary>Statistics of every split.</summary>
    public StatisticsGen StatisticsGen { get; }

    /// <summary>The inferred (or curated) schema.</summary>
    public SchemaGen SchemaGen { get; }

    /// <summary>Stops the run on anomalies.</summary>
    public ExampleValidator ExampleValidator { get; }

    /// <summary><see cref="FlightsPreprocessing"/>, fitted on train; writes the graph only (the Trainer applies it).</summary>
    public Transform Transform { get; }

    /// <summary>LightGBM on delay &gt; 15, on the raw examples through the transform graph.</summary>
    public Trainer Trainer { get; }

    /// <summary>AUC ≥ 0.70 and not more than 0.01 below the blessed baseline, sliced by origin.</summary>
    public Evaluator Evaluator { get; }

    /// <summary>The nodes in order.</summary>
    public IReadOnlyList<Component> Nodes => [ExampleGen, StatisticsGen, SchemaGen, ExampleValidator, Transform, Trainer, Evaluator];
}
