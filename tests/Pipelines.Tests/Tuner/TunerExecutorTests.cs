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
        var dir = Directory.CreateTempSubdirectory("tuner-test").FullName;
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
            var trial = new FakeTrial();
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
            Directory.Delete(dir, recursive: true);
        }
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
}
