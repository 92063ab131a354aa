using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipelines.Components;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Penguin pipelines that end with a Pusher, and prediction requests built from the shipped penguin rows.</summary>
public static class PenguinServing
{
    public static readonly string[] Species = ["Adelie", "Chinstrap", "Gentoo"];

    public static string PenguinCsv => Path.Combine(CliProcess.RepositoryRoot(), "pipelines", "penguin", "data", "penguins.csv");

    /// <summary>The LightGBM settings of the shipped penguin pipeline: a model the Evaluator blesses.</summary>
    public static LightGbmOptions GoodTrainer => new() { NumberOfIterations = 60, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 5 };

    /// <summary>A trainer far worse than <see cref="GoodTrainer"/>: against a blessed baseline it is not blessed.</summary>
    public static LightGbmOptions WeakTrainer => new() { NumberOfIterations = 1, NumberOfLeaves = 2, LearningRate = 0.001, MinimumExampleCountPerLeaf = 100 };

    /// <summary>
    /// ExampleGen → StatisticsGen → SchemaGen → Transform → Trainer → Evaluator (accuracy ≥ 0.9, no more than 0.01 worse than the
    /// baseline) → [InfraValidator] → Pusher to <paramref name="destination"/>, named <paramref name="name"/> (also the served model name).
    /// </summary>
    public static Pipeline Build(string name, string destination, LightGbmOptions algorithm, InfraValidatorOptions? infra = null)
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
            Thresholds = [new MetricThreshold(MetricNames.MicroAccuracy, Lower: 0.9)],
            ChangeThresholds = [new ChangeThreshold(MetricNames.MicroAccuracy, ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
            ExplainMaxRows = 50,
        });
        var servingDir = new PipelineParameter("serving_dir", destination, "Push destination");
        List<Component> nodes = [exampleGen, statisticsGen, schemaGen, transform, trainer, evaluator];
        Pusher pusher;
        if (infra is not null)
        {
            var infraValidator = new InfraValidator(trainer.Outputs.Model, exampleGen.Outputs.Examples, infra);
            nodes.Add(infraValidator);
            pusher = new Pusher(trainer.Outputs.Model, evaluator.Outputs.Blessing, servingDir, infraValidator.Outputs.Blessing);
        }
        else
        {
            pusher = new Pusher(trainer.Outputs.Model, evaluator.Outputs.Blessing, servingDir);
        }

        nodes.Add(pusher);
        return new Pipeline(name, nodes);
    }

    /// <summary>Runs a pipeline on an engine and returns the run id; the run must succeed.</summary>
    public static async Task<long> RunAsync(Pipeline pipeline, MetadataStoreOptions metadata, string folder)
    {
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, folder);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var runId = await engine.StartRunAsync(new Dictionary<string, string>(), false, cts.Token);
        var run = await engine.WaitAsync(runId, null, cts.Token);
        Assert.True(run.State == RunState.Succeeded, run.Error);
        return runId;
    }

    /// <summary>
    /// The first <paramref name="count"/> rows of the shipped CSV with every measurement present, with their true species: the
    /// columns a client sends (everything but the label), a missing value (sex) as null.
    /// </summary>
    public static IReadOnlyList<(JsonObject Instance, string Species)> Instances(int count)
    {
        var lines = File.ReadAllLines(PenguinCsv);
        var header = lines[0].Split(',');
        var result = new List<(JsonObject, string)>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            if (fields.Skip(2).Take(4).Any(string.IsNullOrEmpty))
            {
                continue;
            }

            var instance = new JsonObject();
            for (var i = 1; i < header.Length; i++)
            {
                instance[header[i]] = fields[i].Length == 0 ? null
                    : header[i] is "island" or "sex" ? JsonValue.Create(fields[i])
                    : JsonValue.Create(double.Parse(fields[i], CultureInfo.InvariantCulture));
            }

            result.Add((instance, fields[0]));
            if (result.Count == count)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>A predict request body <c>{"instances": [...]}</c>.</summary>
    public static string Body(IEnumerable<JsonObject> instances) =>
        new JsonObject { ["instances"] = new JsonArray([.. instances.Select(i => (JsonNode)i.DeepClone())]) }.ToJsonString();

    /// <summary>POSTs a predict request; returns the status and the parsed body.</summary>
    public static async Task<(int Status, JsonElement Body)> PredictAsync(HttpClient http, string baseUrl, string model, string body, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync($"{baseUrl.TrimEnd('/')}/v1/models/{model}:predict", content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>GETs the model status; returns the status code and the parsed body.</summary>
    public static async Task<(int Status, JsonElement Body)> StatusAsync(HttpClient http, string baseUrl, string model)
    {
        using var response = await http.GetAsync($"{baseUrl.TrimEnd('/')}/v1/models/{model}");
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The served version in a status body (TF Serving's model_version_status).</summary>
    public static string ServedVersion(JsonElement status) =>
        status.GetProperty("model_version_status")[0].GetProperty("version").GetString()!;

    /// <summary>Checks one multiclass prediction: a known species as label, and class scores that sum to 1.</summary>
    public static void AssertPenguinPrediction(JsonElement prediction)
    {
        var label = prediction.GetProperty("label").GetString();
        Assert.Contains(label, Species);
        var scores = prediction.GetProperty("scores").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(Species.Order(StringComparer.Ordinal), scores.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(scores.Values.Sum(), 1 - 1e-4, 1 + 1e-4);
        Assert.All(scores.Values, s => Assert.InRange(s, 0, 1));
        Assert.Equal(scores.MaxBy(s => s.Value).Key, label);
    }
}
