using Microsoft.EntityFrameworkCore;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Components;
using Pipelines.Data;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Orchestration;
using Pipelines.Validation;

namespace Pipelines.IntegrationTests.Modeling;

/// <summary>Transform → Trainer → Evaluator on the penguin data with the real components, on SQLite and PostgreSQL.</summary>
public sealed class PenguinModelingTests
{
    private static string PenguinCsv => Path.Combine(CliProcess.RepositoryRoot(), "pipelines", "penguin", "data", "penguins.csv");

    private static Pipeline Build(LightGbmOptions algorithm)
    {
        var exampleGen = new ExampleGen(PenguinCsv, new ExampleGenOptions { LabelColumn = "species" });
        var statisticsGen = new StatisticsGen(exampleGen.Outputs.Examples);
        var schemaGen = new SchemaGen(statisticsGen.Outputs.Statistics, new SchemaGenOptions { LabelColumn = "species", Task = LearningTask.Classification });
        var transform = new Transform(exampleGen.Outputs.Examples, schemaGen.Outputs.Schema, new TransformOptions { Preprocessing = typeof(PenguinFeatures) });
        var trainer = new Trainer(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, schemaGen.Outputs.Schema,
            new TrainerOptions { Task = TrainingTask.MulticlassClassification, Algorithm = algorithm });
        var evaluator = new Evaluator(exampleGen.Outputs.Examples, trainer.Outputs.Model, new EvaluatorOptions
        {
            SliceColumns = ["island"],
            // Low enough that the weak second model passes it: only the change against the baseline may fail it.
            Thresholds = [new MetricThreshold(MetricNames.MicroAccuracy, Lower: 0.3)],
            ChangeThresholds = [new ChangeThreshold(MetricNames.MicroAccuracy, ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
        });
        return new Pipeline("penguin-modeling", [exampleGen, statisticsGen, schemaGen, transform, trainer, evaluator]);
    }

    private static async Task<long> RunAsync(PipelineEngine engine)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var runId = await engine.StartRunAsync(new Dictionary<string, string>(), false, cts.Token);
        var run = await engine.WaitAsync(runId, null, cts.Token);
        Assert.True(run.State == RunState.Succeeded, run.Error);
        return runId;
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Penguin_GoodModelBlessedThenWorseModelNotBlessedAgainstTheBaseline_ServingMatchesPipeline(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        long goodRun;
        await using (var engine = await EngineFactory.StartAsync(
            Build(new LightGbmOptions { NumberOfIterations = 60, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 5 }), metadata, temp.Path))
        {
            goodRun = await RunAsync(engine);
        }

        await using var store = await PipelineStore.OpenAsync(metadata.ConnectionString.StartsWith("Data Source", StringComparison.Ordinal)
            ? Path.Combine(temp.Path, "metadata.db") : metadata.ConnectionString);
        var goodModel = await store.GetOutputAsync<Model>(goodRun, "Trainer");
        var goodBlessing = await store.GetOutputAsync<ModelBlessing>(goodRun, "Evaluator");
        var goodEvaluation = await EvaluationResult.LoadAsync(await store.GetOutputAsync<ModelEvaluation>(goodRun, "Evaluator"), CancellationToken.None);
        Assert.Equal(1, goodBlessing.GetInt64("blessed"));
        var accuracy = goodEvaluation.Overall.Candidate.Get(MetricNames.MicroAccuracy)!.Value;
        Assert.True(accuracy >= 0.95, $"eval accuracy {accuracy}");
        Assert.NotNull(goodEvaluation.FindSlice("island=Biscoe"));

        // Transform at serving = transform in the pipeline: the saved model on RAW eval rows gives the accuracy the Evaluator
        // computed, and the transform graph on raw rows reproduces the transformed examples the Trainer trained from.
        var examples = await store.GetOutputAsync<Examples>(goodRun, "ExampleGen");
        var raw = new ColumnarDataView(await ExamplesReader.LoadTableAsync(examples, "eval"));
        var ml = new MLContext(seed: 1);
        var model = ModelLoader.Load(ml, Path.Combine(goodModel.Uri, Trainer.ModelFileName), out _, typeof(PenguinFeatures));
        var predicted = model.Transform(raw).GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(p => p.ToString()).ToList();
        var truth = raw.GetColumn<ReadOnlyMemory<char>>("species").Select(p => p.ToString()).ToList();
        var servingAccuracy = predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Count;
        Assert.Equal(accuracy, servingAccuracy, 9);

        // Row by row: the saved model's class probabilities on raw rows equal the trained predictor's (the chain after the
        // transform graph) on the transformed examples the pipeline trained and evaluated from.
        var transformed = await store.GetOutputAsync<Examples>(goodRun, "Transform", "transformed_examples");
        var transformedEval = ml.Data.LoadFromBinary(Path.Combine(transformed.SplitUri("eval"), Transform.DataFileName));
        var chain = (TransformerChain<ITransformer>)model;
        var predictor = new TransformerChain<ITransformer>([.. chain.Skip(1)]);
        var servingScores = model.Transform(raw).GetColumn<float[]>("Score").ToList();
        var pipelineScores = predictor.Transform(transformedEval).GetColumn<float[]>("Score").ToList();
        Assert.Equal(truth.Count, servingScores.Count);
        Assert.Equal(pipelineScores.Count, servingScores.Count);
        for (var i = 0; i < servingScores.Count; i++)
        {
            Assert.Equal(pipelineScores[i], servingScores[i]);
        }

        var graph = await store.GetOutputAsync<TransformGraph>(goodRun, "Transform");
        var transformer = ModelLoader.Load(ml, Path.Combine(graph.Uri, Transform.TransformFileName), out _, typeof(PenguinFeatures));
        var servingFeatures = transformer.Transform(raw).GetColumn<float[]>("Features").ToList();
        var pipelineFeatures = transformedEval.GetColumn<float[]>("Features").ToList();
        Assert.Equal(pipelineFeatures.Count, servingFeatures.Count);
        for (var i = 0; i < servingFeatures.Count; i++)
        {
            Assert.Equal(pipelineFeatures[i], servingFeatures[i]);
        }

        // A second run with a much weaker trainer: judged against the blessed baseline and not blessed, with the reason.
        long badRun;
        await using (var engine = await EngineFactory.StartAsync(
            Build(new LightGbmOptions { NumberOfIterations = 1, NumberOfLeaves = 2, LearningRate = 0.001, MinimumExampleCountPerLeaf = 100 }), metadata, temp.Path))
        {
            badRun = await RunAsync(engine);
        }

        var badBlessing = await store.GetOutputAsync<ModelBlessing>(badRun, "Evaluator");
        Assert.Equal(0, badBlessing.GetInt64("blessed"));
        Assert.Equal(goodModel.Id, badBlessing.GetInt64("baseline_model_id"));
        var reason = await File.ReadAllTextAsync(Path.Combine(badBlessing.Uri, "NOT_BLESSED"));
        var badEvaluation = await EvaluationResult.LoadAsync(await store.GetOutputAsync<ModelEvaluation>(badRun, "Evaluator"), CancellationToken.None);
        Assert.Equal(accuracy, badEvaluation.Overall.Baseline!.Get(MetricNames.MicroAccuracy));

        // Not blessed because of the change against the baseline, and the marker says so with both values.
        var failures = badEvaluation.Blessing.Failures;
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Equal(ThresholdKind.Change, f.Kind));
        var overall = Assert.Single(failures, f => f.Slice == "overall");
        Assert.Equal(MetricNames.MicroAccuracy, overall.Metric);
        Assert.Equal(accuracy, overall.BaselineValue);
        Assert.True(overall.Value < accuracy - 0.01, $"{overall.Value} vs baseline {accuracy}");
        Assert.Contains(overall.Message, reason, StringComparison.Ordinal);
    }
}
