using System.Globalization;
using System.Text.Json;
using Pipelines.Components;

namespace Pipelines.Tests.Tuner;

public sealed class TunerExecutorTests
{
    /// <summary>A fake trial: the metric peaks at LearningRate 0.1 and improves with iterations.</summary>
    private sealed class FakeTrial : ISubtaskHandler
    {
        public List<(double LearningRate, int Iterations)> Calls { get; } = [];

        public string Kind => "trial";

        public Task<string> ExecuteAsync(string input, CancellationToken cancellationToken)
        {
            using var doc = JsonDocument.Parse(input);
            var lr = doc.RootElement.GetProperty("overrides").GetProperty("LearningRate").GetDouble();
            var iterations = doc.RootElement.GetProperty("iterations").GetInt32();
            lock (Calls)
            {
                Calls.Add((lr, iterations));
            }

            var value = 0.9 - Math.Abs(lr - 0.1) + (iterations / 10_000.0);
            return Task.FromResult(string.Create(CultureInfo.InvariantCulture, $$"""{"value":{{value}},"iterations":{{iterations}}}"""));
        }
    }

    [Fact]
    public async Task ExecuteAsync_SuccessiveHalving_KeepsTheBestThirdWithMoreIterationsAndWritesTheWinner()
    {
        var trial = new FakeTrial();
        var (context, output, cleanup) = Context(trial);
        try
        {
            var options = new TunerOptions
            {
                Trainer = new TrainerOptions { Task = TrainingTask.BinaryClassification },
                Space = [new FloatRange("LearningRate", 0.01, 0.5, LogScale: true), new IntRange("NumberOfLeaves", 4, 64)],
                Trials = 9,
                Eta = 3,
                MinIterations = 10,
                MaxIterations = 90,
            };
            await new TunerExecutor().ExecuteAsync(context, options, CancellationToken.None);

            // 9 configurations at 10 iterations, the best 3 at 30, the best 1 at 90.
            Assert.Equal([9, 3, 1], trial.Calls.GroupBy(c => c.Iterations).OrderBy(g => g.Key).Select(g => g.Count()));
            var best = JsonSerializer.Deserialize<Dictionary<string, double>>(await File.ReadAllTextAsync(Path.Combine(output.Uri, "hyperparameters.json")))!;
            Assert.Equal(90, best["NumberOfIterations"]);
            var firstRound = trial.Calls.Where(c => c.Iterations == 10).Select(c => c.LearningRate).ToList();
            Assert.Equal(firstRound.MinBy(lr => Math.Abs(lr - 0.1)), best["LearningRate"]);
            var trials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.Uri, "trials.json"))).RootElement;
            Assert.Equal(13, trials.GetArrayLength());
            Assert.Equal(13, context.OutputProperties("best_hyperparameters")["trials"].GetInt32());
        }
        finally
        {
            cleanup();
        }
    }

    /// <summary>A fake trial that is out of time from some round on (as <see cref="TrialHandler"/> reports it).</summary>
    private sealed class OutOfTimeFrom(int iterations) : ISubtaskHandler
    {
        private readonly FakeTrial _inner = new();

        public string Kind => "trial";

        public Task<string> ExecuteAsync(string input, CancellationToken cancellationToken)
        {
            using var doc = JsonDocument.Parse(input);
            Assert.True(doc.RootElement.TryGetProperty("deadline", out var deadline) && deadline.ValueKind == JsonValueKind.String, "a budget gives each trial its deadline");
            return doc.RootElement.GetProperty("iterations").GetInt32() >= iterations
                ? throw new TimeoutException($"{TrialHandler.OutOfTime}: it ended at {deadline.GetString()}, while this trial was running; it was stopped.")
                : _inner.ExecuteAsync(input, cancellationToken);
        }
    }

    [Fact]
    public async Task ExecuteAsync_BudgetEndsDuringRoundOne_KeepsRoundZerosBestAndSaysSo()
    {
        var (context, output, cleanup) = Context(new OutOfTimeFrom(30));
        try
        {
            await new TunerExecutor().ExecuteAsync(context, BudgetOptions(), CancellationToken.None);

            var best = JsonSerializer.Deserialize<Dictionary<string, double>>(await File.ReadAllTextAsync(Path.Combine(output.Uri, "hyperparameters.json")))!;
            Assert.Equal(10, best["NumberOfIterations"]);
            var trials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.Uri, "trials.json"))).RootElement.EnumerateArray().ToList();
            Assert.Equal(9 + 3, trials.Count);
            Assert.All(trials.Where(t => t.GetProperty("round").GetInt32() == 1), t => Assert.StartsWith($"TimeoutException: {TrialHandler.OutOfTime}", t.GetProperty("error").GetString(), StringComparison.Ordinal));
        }
        finally
        {
            cleanup();
        }
    }

    /// <summary>From 30 iterations on, one trial in two runs out of time and the others fail for another reason.</summary>
    private sealed class MixedFailuresFrom30 : ISubtaskHandler
    {
        private readonly FakeTrial _inner = new();
        private int _late;

        public string Kind => "trial";

        public Task<string> ExecuteAsync(string input, CancellationToken cancellationToken)
        {
            using var doc = JsonDocument.Parse(input);
            if (doc.RootElement.GetProperty("iterations").GetInt32() < 30)
            {
                return _inner.ExecuteAsync(input, cancellationToken);
            }

            return Interlocked.Increment(ref _late) % 2 == 0
                ? throw new TimeoutException($"{TrialHandler.OutOfTime}: it ended, while this trial was running; it was stopped.")
                : throw new InvalidDataException("a worker's disk is full");
        }
    }

    [Fact]
    public async Task ExecuteAsync_LaterRoundWithOnlyFailuresAndTimeouts_KeepsTheRoundBefore()
    {
        var (context, output, cleanup) = Context(new MixedFailuresFrom30());
        try
        {
            await new TunerExecutor().ExecuteAsync(context, BudgetOptions(), CancellationToken.None);

            var best = JsonSerializer.Deserialize<Dictionary<string, double>>(await File.ReadAllTextAsync(Path.Combine(output.Uri, "hyperparameters.json")))!;
            Assert.Equal(10, best["NumberOfIterations"]);
        }
        finally
        {
            cleanup();
        }
    }

    [Fact]
    public async Task ExecuteAsync_BudgetEndsBeforeAnyFirstRoundTrialFinishes_SaysToRaiseIt()
    {
        var (context, _, cleanup) = Context(new OutOfTimeFrom(0));
        try
        {
            var e = await Assert.ThrowsAsync<DataValidationException>(() => new TunerExecutor().ExecuteAsync(context, BudgetOptions(), CancellationToken.None));

            Assert.Equal("The time budget of 60 s ended before any of round 0's 9 trial(s) at 10 iterations finished: raise TunerOptions.TimeBudget, or lower Trials or MinIterations.", e.Message);
        }
        finally
        {
            cleanup();
        }
    }

    private static TunerOptions BudgetOptions() => new()
    {
        Trainer = new TrainerOptions { Task = TrainingTask.BinaryClassification },
        Space = [new FloatRange("LearningRate", 0.01, 0.5, LogScale: true)],
        Trials = 9,
        Eta = 3,
        MinIterations = 10,
        MaxIterations = 90,
        TimeBudget = TimeSpan.FromSeconds(60),
    };

    private static (ExecutorContext Context, Artifact Output, Action Cleanup) Context(ISubtaskHandler trial)
    {
        var dir = Directory.CreateTempSubdirectory("tuner-test").FullName;
        Artifact Input(Type t) => Artifact.Create(t, 1, dir, new Dictionary<string, JsonElement>());
        var output = Artifact.Create(typeof(HyperParameters), 2, Path.Combine(dir, "out"), new Dictionary<string, JsonElement>());
        Directory.CreateDirectory(output.Uri);
        var context = new ExecutorContext("p", "Tuner", 1, 1,
            new Dictionary<string, IReadOnlyList<Artifact>>
            {
                ["transformed_examples"] = [Input(typeof(Examples))],
                ["transform_graph"] = [Input(typeof(TransformGraph))],
                ["schema"] = [Input(typeof(Schema))],
            },
            new Dictionary<string, Artifact> { ["best_hyperparameters"] = output }, ExternalInputs.None, TimeProvider.System,
            subtasks: new InlineSubtaskRunner("Tuner", [trial]));
        return (context, output, () => Directory.Delete(dir, recursive: true));
    }

    [Theory]
    [InlineData("LearningRat", "float", 0.01, 0.3, false, "sets 'LearningRat', which LightGbmOptions does not have. Valid names:")]
    [InlineData("LearningRate", "float", 0, 0.3, true, "Space dimension 'LearningRate' is on a log scale from 0: a log scale needs Min > 0.")]
    [InlineData("LearningRate", "float", -0.1, 0.3, false, "Space dimension 'LearningRate' reaches -0.1: LearningRate")]
    [InlineData("NumberOfLeaves", "int", 64, 8, false, "Space dimension 'NumberOfLeaves' has Min 64 above Max 8.")]
    [InlineData("NumberOfLeaves", "float", 8, 64, false, "but NumberOfLeaves takes whole numbers: use IntRange(\"NumberOfLeaves\", …).")]
    [InlineData("UseCategoricalSplit", "float", 0, 1, false, "but UseCategoricalSplit is a switch: use Choice(\"UseCategoricalSplit\", [0, 1])")]
    [InlineData("MinimumExampleCountPerLeaf", "choice", 0, 0, false, "Space dimension 'MinimumExampleCountPerLeaf' lists no value.")]
    [InlineData("NumberOfIterations", "int", 10, 100, false, "Space sets 'NumberOfIterations', which the Tuner's rounds set")]
    public void Constructor_SpaceTheTrainerWouldRefuse_NamesTheDimensionAndWhatIsWrong(string name, string kind, double min, double max, bool log, string expected)
    {
        SearchDimension dimension = kind switch
        {
            "float" => new FloatRange(name, min, max, log),
            "int" => new IntRange(name, (int)min, (int)max, log),
            _ => new Choice(name, []),
        };

        var e = Assert.Throws<ArgumentException>(() => new Components.Tuner(null!, null!, null!, new TunerOptions
        {
            Trainer = new TrainerOptions { Task = TrainingTask.BinaryClassification },
            Space = [new FloatRange("FeatureFraction", 0.5, 1), dimension],
        }));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'FeatureFraction'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SameOptionTwiceOrASwitchAsZeroOrOne_DuplicateRefusedSwitchAccepted()
    {
        var e = Assert.Throws<ArgumentException>(() => new Components.Tuner(null!, null!, null!, new TunerOptions
        {
            Trainer = new TrainerOptions { Task = TrainingTask.BinaryClassification },
            Space = [new FloatRange("LearningRate", 0.05, 0.1), new FloatRange("learningrate", 0.1, 0.2)],
        }));
        Assert.Contains("Space lists 'LearningRate' 2 times; keep one range per option.", e.Message, StringComparison.Ordinal);

        var algorithm = HyperParameterOverrides.Apply(new LightGbmOptions(),
            new Dictionary<string, JsonElement> { ["UseCategoricalSplit"] = JsonSerializer.SerializeToElement(1.0) }, "test");
        Assert.True(((LightGbmOptions)algorithm).UseCategoricalSplit);
    }

    [Fact]
    public void Constructor_EmptySpace_NamesTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Components.Tuner(null!, null!, null!, new TunerOptions
        {
            Trainer = new TrainerOptions { Task = TrainingTask.Regression },
            Space = [],
        }));
        Assert.Contains("Space is empty", ex.Message);
    }

    [Theory]
    [InlineData("AUC", 20_000, "Metric 'AUC' is not an eval metric of the Trainer's training log for BinaryClassification: use one of AreaUnderRocCurve, AreaUnderPrecisionRecallCurve, Accuracy, F1Score, LogLoss")]
    [InlineData(null, 0, "Trainer.TrainingLogEvalRows is 0: the trials would compute no eval metric to compare.")]
    public void Constructor_MetricNotInTheTrainingLog_RefusedAtDeclaration(string? metric, int evalRows, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => new Components.Tuner(null!, null!, null!, new TunerOptions
        {
            Trainer = new TrainerOptions { Task = TrainingTask.BinaryClassification, TrainingLogEvalRows = evalRows },
            Space = [new FloatRange("LearningRate", 0.05, 0.3)],
            Metric = metric,
        }));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Six decimals made a fifth of these draws 0, outside the range; six significant digits keep every one in it.</summary>
    [Fact]
    public void Round_SmallLogScaleValues_KeepSixSignificantDigitsInsideTheRange()
    {
        var range = new FloatRange("L2Regularization", 1e-8, 10, LogScale: true);
        var random = new Random(3);

        var drawn = Enumerable.Range(0, 10_000).Select(_ => TunerExecutor.Round(range, range.Sample(random))).ToList();

        Assert.All(drawn, v => Assert.InRange(v, 1e-8, 10));
        Assert.Equal(3.21235e-7, TunerExecutor.Round(range, 3.2123456e-7));
        Assert.Equal(12, TunerExecutor.Round(new IntRange("NumberOfLeaves", 4, 64), 11.6));
        Assert.Equal(0.1234567, TunerExecutor.Round(new FloatRange("LearningRate", 0.01, 0.1234567), 0.12345669));
    }
}
