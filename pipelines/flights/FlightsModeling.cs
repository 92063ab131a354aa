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
    public FlightsModeling(PipelineParameter input)
    {
        ExampleGen = new ExampleGen(input, new ExampleGenOptions { LabelColumn = "delay" });
        StatisticsGen = new StatisticsGen(ExampleGen.Outputs.Examples);
        SchemaGen = new SchemaGen(StatisticsGen.Outputs.Statistics, new SchemaGenOptions { LabelColumn = "delay" });
        ExampleValidator = new ExampleValidator(StatisticsGen.Outputs.Statistics, SchemaGen.Outputs.Schema);

        // Only the feature vector (and the label) is written: the Trainer reads nothing else.
        Transform = new Transform(ExampleGen.Outputs.Examples, SchemaGen.Outputs.Schema,
            new TransformOptions { Preprocessing = typeof(FlightsPreprocessing), OutputColumns = ["Features"] });
        Transform.RunAfter(ExampleValidator);

        Trainer = new Trainer(Transform.Outputs.TransformedExamples, Transform.Outputs.TransformGraph, SchemaGen.Outputs.Schema, new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            PositiveAbove = 15, // delayed = delay > 15 minutes
            Algorithm = new LightGbmOptions { NumberOfIterations = 100, NumberOfLeaves = 31, LearningRate = 0.1, MinimumExampleCountPerLeaf = 20, UseCategoricalSplit = true },
        });
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

    /// <summary><see cref="FlightsPreprocessing"/>, fitted on train.</summary>
    public Transform Transform { get; }

    /// <summary>LightGBM on delay &gt; 15.</summary>
    public Trainer Trainer { get; }

    /// <summary>AUC ≥ 0.70 and not more than 0.01 below the blessed baseline, sliced by origin.</summary>
    public Evaluator Evaluator { get; }

    /// <summary>The nodes in order.</summary>
    public IReadOnlyList<Component> Nodes => [ExampleGen, StatisticsGen, SchemaGen, ExampleValidator, Transform, Trainer, Evaluator];
}
