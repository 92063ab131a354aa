using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Components;
using Pipelines.Data;
using Pipelines.Tests.Transform;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;
using static Pipelines.Tests.Transform.ModelingTestData;

namespace Pipelines.Tests.Trainer;

/// <summary>Transforms generated splits once and trains on them.</summary>
internal sealed class TrainerHarness : IDisposable
{
    private readonly StatisticsGen.TempDirectory _temp;

    private TrainerHarness(StatisticsGen.TempDirectory temp, DataSchema dataSchema, Pipelines.Schema schema, TransformGraph graph, Examples transformed, ColumnarTable eval, Examples raw)
    {
        _temp = temp;
        Raw = raw;
        DataSchema = dataSchema;
        Schema = schema;
        Graph = graph;
        Transformed = transformed;
        Eval = eval;
    }

    public DataSchema DataSchema { get; }

    public Pipelines.Schema Schema { get; }

    public TransformGraph Graph { get; }

    public Examples Transformed { get; }

    /// <summary>The raw examples the graph was fitted on (what a Trainer after a Transform with Materialize = false reads).</summary>
    public Examples Raw { get; }

    /// <summary>The raw eval split.</summary>
    public ColumnarTable Eval { get; }

    public static async Task<TrainerHarness> CreateAsync(ColumnarTable train, ColumnarTable eval, DataSchema dataSchema, Type? preprocessing = null)
    {
        var temp = new StatisticsGen.TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", train), ("eval", eval));
        var schema = await SchemaAsync(temp.Path, dataSchema);
        var (graph, transformed) = await TransformAsync(temp.Path, examples, schema, preprocessing ?? typeof(TestPreprocessing));
        return new TrainerHarness(temp, dataSchema, schema, graph, transformed, eval, examples);
    }

    /// <summary>Runs the Trainer executor; returns the model artifact (with its properties) and the log lines.</summary>
    /// <param name="options">The Trainer's options.</param>
    /// <param name="hyperParametersJson">A hyperparameters input, or null.</param>
    /// <param name="onRawExamples">Wire the raw examples instead of the transformed ones (the graph is applied while reading).</param>
    public async Task<(Model Model, IReadOnlyList<string> Log)> TrainAsync(TrainerOptions options, string? hyperParametersJson = null, bool onRawExamples = false)
    {
        var root = _temp.Path;
        var inputs = new Dictionary<string, IReadOnlyList<Pipelines.Artifact>>
        {
            ["transformed_examples"] = [onRawExamples ? Raw : Transformed],
            ["transform_graph"] = [Graph],
            ["schema"] = [Schema],
        };
        if (hyperParametersJson is not null)
        {
            var hp = Artifact<HyperParameters>(20, Path.Combine(root, "hp-" + Guid.NewGuid().ToString("N")));
            Directory.CreateDirectory(hp.Uri);
            await File.WriteAllTextAsync(Path.Combine(hp.Uri, "hyperparameters.json"), hyperParametersJson);
            inputs["hyperparameters"] = [hp];
        }

        var model = Artifact<Model>(21, Path.Combine(root, "model-" + Guid.NewGuid().ToString("N")));
        var log = new List<string>();
        var context = Context("Trainer", inputs, new Dictionary<string, Pipelines.Artifact> { ["model"] = model }, log);
        await new TrainerExecutor().ExecuteAsync(context, options, CancellationToken.None);
        return (WithProperties(model, context.OutputProperties("model")), log);
    }

    /// <summary>Scores raw rows (no label needed) through the saved model.</summary>
    public static IDataView Score(Model model, ColumnarTable raw, out DataViewSchema inputSchema)
    {
        var ml = new MLContext(0);
        var chain = LoadModel(ml, Path.Combine(model.Uri, "model.zip"), out inputSchema);
        return chain.Transform(new ColumnarDataView(raw));
    }

    public static ColumnarTable WithoutColumn(ColumnarTable table, string name) => new([.. table.Columns.Where(c => c.Name != name)]);

    public static JsonDocument ReadLog(Model model) => JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Uri, "training_log.json")));

    public static float[] Scores(IDataView scored) => [.. scored.GetColumn<float>("Score")];

    public static float[][] VectorScores(IDataView scored) => [.. scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray())];

    public void Dispose()
    {
        _temp.Dispose();
    }
}
