using System.Text.Json;
using Pipelines.Components;
using Pipelines.Tests.StatisticsGen;
using Pipelines.Tests.Trainer;
using Pipelines.Tests.Transform;
using Pipelines.Validation;
using static Pipelines.Tests.Transform.ModelingTestData;

namespace Pipelines.Tests.Tuner;

[Collection(RunsAloneCollection.Name)]
public sealed class TrialHandlerTests
{
    [Fact]
    public async Task ExecuteAsync_TrialOnRawExamplesWithTheGraph_ReportsTheSameMetricAsOnTransformedExamples()
    {
        using var harness = await TrainerHarness.CreateAsync(BinaryData(500, 1), BinaryData(200, 2), Schema("label", FeatureType.String));
        var source = new ExamplesSource();
        var transform = new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = typeof(TestPreprocessing) });
        var tuner = new Components.Tuner(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, source.Schema, new TunerOptions
        {
            Trainer = new TrainerOptions
            {
                Task = TrainingTask.BinaryClassification,
                Algorithm = new LightGbmOptions { MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2 },
            },
            Space = [new FloatRange("LearningRate", 0.05, 0.3)],
        });

        async Task<double> TrialAsync(Pipelines.Artifact examples)
        {
            var input = new TrialInput(
                new Dictionary<string, ArtifactReference>
                {
                    ["transformed_examples"] = ArtifactReference.Of(examples),
                    ["transform_graph"] = ArtifactReference.Of(harness.Graph),
                    ["schema"] = ArtifactReference.Of(harness.Schema),
                },
                new Dictionary<string, JsonElement> { ["LearningRate"] = JsonSerializer.SerializeToElement(0.1) },
                Iterations: 20,
                Metric: "LogLoss");
            var output = await new TrialHandler(tuner).ExecuteAsync(JsonSerializer.Serialize(input, TunerJson.Options), CancellationToken.None);
            return JsonSerializer.Deserialize<TrialOutput>(output, TunerJson.Options)!.Value;
        }

        var onTransformed = await TrialAsync(harness.Transformed);
        var onRaw = await TrialAsync(harness.Raw);

        Assert.InRange(onTransformed, 0, 0.5);
        Assert.Equal(onTransformed, onRaw);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteAsync_FastTreeOrAfterTheDeadline_TrainsWithNumberOfTreesOrDoesNotStart(bool pastDeadline)
    {
        using var harness = await TrainerHarness.CreateAsync(BinaryData(300, 1), BinaryData(100, 2), Schema("label", FeatureType.String));
        var source = new ExamplesSource();
        var transform = new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = typeof(TestPreprocessing) });
        var tuner = new Components.Tuner(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, source.Schema, new TunerOptions
        {
            Trainer = new TrainerOptions { Task = TrainingTask.BinaryClassification, Algorithm = new FastTreeOptions { MinimumExampleCountPerLeaf = 5 } },
            Space = [new FloatRange("LearningRate", 0.05, 0.3), new Choice("CategoricalSplit", [0, 1])],
            TimeBudget = TimeSpan.FromMinutes(1),
        });
        var input = new TrialInput(
            TransformedInputs(harness),
            new Dictionary<string, JsonElement> { ["LearningRate"] = JsonSerializer.SerializeToElement(0.1), ["CategoricalSplit"] = JsonSerializer.SerializeToElement(1.0) },
            Iterations: 7,
            Metric: "AreaUnderRocCurve",
            Deadline: pastDeadline ? DateTimeOffset.UtcNow.AddSeconds(-1) : DateTimeOffset.UtcNow.AddMinutes(5));

        var run = new TrialHandler(tuner).ExecuteAsync(JsonSerializer.Serialize(input, TunerJson.Options), CancellationToken.None);

        if (pastDeadline)
        {
            var e = await Assert.ThrowsAsync<TimeoutException>(() => run);
            Assert.StartsWith(TrialHandler.OutOfTime, e.Message, StringComparison.Ordinal);
            Assert.EndsWith("before this trial started; it was not run.", e.Message, StringComparison.Ordinal);
            return;
        }

        var output = JsonSerializer.Deserialize<TrialOutput>(await run, TunerJson.Options)!;
        Assert.Equal(7, output.Iterations);
        Assert.InRange(output.Value, 0.8, 1);
    }

    /// <summary>
    /// ML.NET's trainers used to finish their fit after the budget ended (a million trees here: minutes); ML.NET's LightGBM
    /// trainer now stops within an iteration (<see cref="MLContextCancellation"/>). Without that, the wait below times out with
    /// another message.
    /// </summary>
    [Theory]
    [InlineData("MlNetLightGbm")]
    public Task ExecuteAsync_BudgetEndsWhileMlNetTrains_StopsTheFitAndSaysItWasStopped(string trainer) => BudgetEndsWhileTrainingAsync(trainer);

    /// <summary>
    /// The same for FastTree. Skipped before 2026-12-02: in 2 of 3 clean-clone CI runs it trained for minutes past its deadline,
    /// because the budget was <c>CancelAfter</c>, whose callback waited for a thread-pool thread the fit kept busy
    /// (<see cref="TrialDeadline"/>).
    /// </summary>
    [Fact]
    public Task ExecuteAsync_BudgetEndsWhileFastTreeTrains_StopsTheFitAndSaysItWasStopped() => BudgetEndsWhileTrainingAsync("FastTree");

    private static async Task BudgetEndsWhileTrainingAsync(string trainer)
    {
        Assert.True(MLContextCancellation.IsSupported);
        using var harness = await TrainerHarness.CreateAsync(BinaryData(300, 1), BinaryData(100, 2), Schema("label", FeatureType.String));
        var source = new ExamplesSource();
        var transform = new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = typeof(TestPreprocessing) });
        TrainerAlgorithm algorithm = trainer == "FastTree"
            ? new FastTreeOptions { MinimumExampleCountPerLeaf = 5 }
            : new LightGbmOptions { MinimumExampleCountPerLeaf = 5, Engine = LightGbmEngine.MlNetTrainer, LearningRate = 0.0001 };
        var tuner = new Components.Tuner(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, source.Schema, new TunerOptions
        {
            Trainer = new TrainerOptions { Task = TrainingTask.BinaryClassification, Algorithm = algorithm },
            Space = [new FloatRange(trainer == "FastTree" ? "LearningRate" : "L2Regularization", 0.05, 0.3)],
            TimeBudget = TimeSpan.FromMinutes(1),
        });
        var input = new TrialInput(
            TransformedInputs(harness),
            new Dictionary<string, JsonElement>(),
            Iterations: 1_000_000,
            Metric: "AreaUnderRocCurve",
            Deadline: DateTimeOffset.UtcNow.AddSeconds(3));

        // On its own thread: the fit may run synchronously inside ExecuteAsync.
        var run = Task.Run(() => new TrialHandler(tuner).ExecuteAsync(JsonSerializer.Serialize(input, TunerJson.Options), CancellationToken.None));

        var e = await Assert.ThrowsAsync<TimeoutException>(() => run.WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.StartsWith(TrialHandler.OutOfTime, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("while this trial was running; it was stopped.", e.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, ArtifactReference> TransformedInputs(TrainerHarness harness) => new()
    {
        ["transformed_examples"] = ArtifactReference.Of(harness.Transformed),
        ["transform_graph"] = ArtifactReference.Of(harness.Graph),
        ["schema"] = ArtifactReference.Of(harness.Schema),
    };
}
