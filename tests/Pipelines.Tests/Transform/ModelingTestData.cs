using System.Text.Json;
using Microsoft.ML;
using Pipelines.Data;
using Pipelines.Tests.StatisticsGen;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.Transform;

/// <summary>Generated data sets, schemas, artifacts and contexts for the Transform and Trainer tests.</summary>
internal static class ModelingTestData
{
    public static readonly string[] Species = ["Adelie", "Chinstrap", "Gentoo"];

    private static readonly string[] s_islands = ["Torgersen", "Dream", "Biscoe"];

    /// <summary>Three gaussian classes in (x1, x2) with a class-dependent text column 'island' and a label 'species'.</summary>
    public static ColumnarTable Gaussians(int rows, int seed)
    {
        var random = new Random(seed);
        var x1 = new double[rows];
        var x2 = new double[rows];
        var islands = new string?[rows];
        var species = new string?[rows];
        for (var i = 0; i < rows; i++)
        {
            var c = i % 3;
            x1[i] = (c * 4) + Normal(random);
            x2[i] = (c == 1 ? 5 : 0) + Normal(random);
            islands[i] = random.NextDouble() < 0.8 ? s_islands[c] : "Dream";
            species[i] = Species[c];
        }

        return Table(Numeric("x1", x1), Numeric("x2", x2), Text("island", islands), Text("species", species));
    }

    /// <summary>Binary: 'label' is yes when x1 + x2 &gt; 0 (with 5 % noise).</summary>
    public static ColumnarTable BinaryData(int rows, int seed, Func<bool, string>? label = null)
    {
        var random = new Random(seed);
        var x1 = new double[rows];
        var x2 = new double[rows];
        var labels = new string?[rows];
        for (var i = 0; i < rows; i++)
        {
            x1[i] = Normal(random);
            x2[i] = Normal(random);
            var positive = (x1[i] + x2[i] > 0) ^ (random.NextDouble() < 0.05);
            labels[i] = (label ?? (p => p ? "yes" : "no"))(positive);
        }

        return Table(Numeric("x1", x1), Numeric("x2", x2), Text("island", [.. labels.Select(_ => "Dream")]), Text("label", labels));
    }

    /// <summary>
    /// Flights-like rows for <see cref="FlightsLikePreprocessing"/>: a timestamp 'date', 'distance', airports 'origin' and
    /// 'destination' (40 codes; 'Z…' codes only when <paramref name="unseen"/>), 'delay' in minutes depending on all of them; about
    /// 2 % of every feature and 1 % of the delays missing, and a few timestamps out of DateTime's range.
    /// </summary>
    public static ColumnarTable FlightsLike(int rows, int seed, bool unseen = false)
    {
        var random = new Random(seed);
        var date = new double[rows];
        var distance = new double[rows];
        var origin = new string?[rows];
        var destination = new string?[rows];
        var delay = new double[rows];
        string Airport(int i) => (unseen && i % 7 == 0 ? "Z" : "A") + ((char)('A' + (i % 20))) + ((char)('A' + (i / 20 % 2)));
        for (var i = 0; i < rows; i++)
        {
            var o = random.Next(40);
            date[i] = random.NextDouble() < 0.02 ? double.NaN : random.NextDouble() < 0.005 ? 1e12 : 1_600_000_000 + (random.NextDouble() * 3e7);
            distance[i] = random.NextDouble() < 0.02 ? double.NaN : Math.Round(100 + (random.NextDouble() * 2500));
            origin[i] = random.NextDouble() < 0.02 ? null : Airport(o);
            destination[i] = random.NextDouble() < 0.02 ? null : Airport(random.Next(40));
            var hour = double.IsNaN(date[i]) ? 12 : date[i] / 3600 % 24;
            delay[i] = random.NextDouble() < 0.01 ? double.NaN : (o % 5 * 6) + (hour > 17 ? 10 : 0) + ((double.IsNaN(distance[i]) ? 0 : distance[i]) / 200) + (Normal(random) * 8);
        }

        return Table(Numeric("date", date), Numeric("distance", distance), Text("origin", origin), Text("destination", destination), Numeric("delay", delay));
    }

    /// <summary>Regression: 'y' = 3 x1 - 2 x2 + noise.</summary>
    public static ColumnarTable RegressionData(int rows, int seed)
    {
        var random = new Random(seed);
        var x1 = new double[rows];
        var x2 = new double[rows];
        var y = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            x1[i] = Normal(random);
            x2[i] = Normal(random);
            y[i] = (3 * x1[i]) - (2 * x2[i]) + (0.1 * Normal(random));
        }

        return Table(Numeric("x1", x1), Numeric("x2", x2), Text("island", [.. y.Select(_ => "Biscoe")]), Numeric("y", y));
    }

    public static DataSchema Schema(string label, FeatureType labelType) => new(
        [
            new FeatureSchema("x1", FeatureType.Float),
            new FeatureSchema("x2", FeatureType.Float),
            new FeatureSchema("island", FeatureType.String),
            new FeatureSchema(label, labelType),
        ],
        label);

    public static async Task<Examples> ExamplesAsync(string root, params (string Name, ColumnarTable Table)[] splits) =>
        await WriteExamplesAsync(Path.Combine(root, "examples"), null, splits);

    public static Task<Pipelines.Schema> SchemaAsync(string root, DataSchema schema) => WriteSchemaAsync(root, 2, schema);

    /// <summary>A context with inputs and pending outputs (directories created empty).</summary>
    public static ExecutorContext Context(
        string nodeId,
        IReadOnlyDictionary<string, IReadOnlyList<Pipelines.Artifact>> inputs,
        IReadOnlyDictionary<string, Pipelines.Artifact> outputs,
        List<string>? log = null)
    {
        foreach (var output in outputs.Values)
        {
            Directory.CreateDirectory(output.Uri);
        }

        return new ExecutorContext("test", nodeId, runId: 3, executionId: 30, inputs, outputs, ExternalInputs.None, TimeProvider.System,
            log is null ? null : m =>
            {
                lock (log)
                {
                    log.Add(m);
                }
            });
    }

    /// <summary>Runs Transform and returns its outputs with the properties it set.</summary>
    public static async Task<(TransformGraph Graph, Examples Transformed)> TransformAsync(
        string root, Examples examples, Pipelines.Schema schema, Type preprocessing, string? analyzeSplit = null)
    {
        var graph = Artifact<TransformGraph>(10, Path.Combine(root, "graph-" + Guid.NewGuid().ToString("N")));
        var transformed = Artifact<Examples>(11, Path.Combine(root, "transformed-" + Guid.NewGuid().ToString("N")));
        var context = Context("Transform",
            new Dictionary<string, IReadOnlyList<Pipelines.Artifact>> { ["examples"] = [examples], ["schema"] = [schema] },
            new Dictionary<string, Pipelines.Artifact> { ["transform_graph"] = graph, ["transformed_examples"] = transformed });
        var options = new Components.TransformOptions { Preprocessing = preprocessing, AnalyzeSplit = analyzeSplit ?? "train" };
        await new Components.TransformExecutor().ExecuteAsync(context, options, CancellationToken.None);
        return (WithProperties(graph, context.OutputProperties("transform_graph")), WithProperties(transformed, context.OutputProperties("transformed_examples")));
    }

    /// <summary>The artifact as the orchestrator would hand it downstream: with the properties the executor set.</summary>
    public static T WithProperties<T>(T artifact, IReadOnlyDictionary<string, JsonElement> properties) where T : Pipelines.Artifact =>
        Artifact<T>(artifact.Id, artifact.Uri, properties);

    public static ITransformer LoadModel(MLContext ml, string path, out DataViewSchema inputSchema) =>
        ModelLoader.Load(ml, path, out inputSchema, typeof(TestPreprocessing));

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
