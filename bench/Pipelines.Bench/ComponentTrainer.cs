using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Components;
using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Bench;

/// <summary>
/// Our Trainer as a pipeline runs it: <see cref="TrainerExecutor"/> with a transform graph and a schema, on examples on disk in
/// one of the two forms a flights pipeline can hand it (<see cref="PrepareAsync"/>, untimed, writes them from the benchmark's
/// own rows):
/// <list type="bullet">
/// <item><b>raw</b> (the shipped <c>pipelines/flights</c>, Transform's <c>Materialize = false</c>): ExampleGen's columnar split
/// files with hour, weekday, month, day, distance as numbers, origin and destination as airport names, the label as a 0/1
/// number (<c>PositiveAbove = 0.5</c>); the Trainer applies the graph while it reads them.</item>
/// <item><b>materialized</b> (TFX's default): the transformed examples as Transform writes them (binary IDV).</item>
/// </list>
/// The graph: numbers to float, origin and destination as one-hot blocks of their values in ordinal order (<c>MapValueToKey</c>
/// by value + <c>MapKeyToVector</c>, which annotates the blocks as categorical, so LightGBM gets the same 7 columns and the
/// same category numbers as the native side), concatenated. The eval split is included (the Trainer logs its metric per
/// iteration on the first 20,000 eval rows, as in the pipeline). <see cref="TrainAsync"/> (timed) is the whole component: read
/// the examples (and the graph), prepare the label, build the LightGBM dataset, boost, convert to ML.NET and verify, save
/// model.zip, the training log and its eval metrics.
/// </summary>
internal sealed class ComponentTrainer(bool materialized) : ITrainerUnderTest, IDisposable
{
    private const string Label = "delayed";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipelines-bench-trainer-" + Guid.NewGuid().ToString("N"));
    private readonly MLContext _ml = new(1);
    private Examples? _examples;
    private TransformGraph? _graph;
    private Pipelines.Schema? _schema;
    private FlightsFeatures? _data;
    private int _runs;

    public string Name => materialized
        ? "our Trainer, materialized: transformed examples (binary IDV) on disk"
        : "our Trainer as pipelines/flights runs it: raw examples on disk + graph";

    public async Task PrepareAsync(FlightsFeatures data, CancellationToken cancellationToken)
    {
        _data = data;
        Directory.CreateDirectory(_root);
        var train = new ColumnarDataView(Table(data.Train));
        var eval = new ColumnarDataView(Table(data.Eval));
        string[] numbers = ["hour", "weekday", "month", "day", "distance"];
        var graph = _ml.Transforms.Conversion.ConvertType([.. numbers.Select(n => new InputOutputColumnPair(n))], DataKind.Single)
            .Append(_ml.Transforms.Conversion.MapValueToKey([new("origin_key", "origin"), new("destination_key", "destination")],
                keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue))
            .Append(_ml.Transforms.Conversion.MapKeyToVector([new("origin_onehot", "origin_key"), new("destination_onehot", "destination_key")]))
            .Append(_ml.Transforms.Concatenate("Features", [.. numbers, "origin_onehot", "destination_onehot"]))
            .Fit(train);

        var graphDir = Path.Combine(_root, "graph");
        Directory.CreateDirectory(graphDir);
        _ml.Model.Save(graph, train.Schema, Path.Combine(graphDir, Transform.TransformFileName));
        _graph = (TransformGraph)Artifact.Create(typeof(TransformGraph), 2, graphDir, new Dictionary<string, JsonElement>());

        var examplesDir = Path.Combine(_root, "examples");
        foreach (var (name, view) in new[] { ("train", train), ("eval", eval) })
        {
            var dir = Path.Combine(examplesDir, "Split-" + name);
            if (!materialized)
            {
                await ColumnarFormat.WriteAsync(Table(name == "train" ? data.Train : data.Eval), dir, cancellationToken);
                continue;
            }

            Directory.CreateDirectory(dir);
            await using var stream = File.Create(Path.Combine(dir, Transform.DataFileName));
            // Transform's own writer (uncompressed blocks, deterministic order), not SaveAsBinary's Deflate: the same bytes a
            // materializing Transform writes, hence the same read cost for the Trainer.
            var transformed = graph.Transform(view);
            IdvWriter.Save(_ml, _ml.Transforms.SelectColumns("Features", Label).Fit(transformed).Transform(transformed), stream);
        }

        var properties = new Dictionary<string, JsonElement>
        {
            [SplitNamesProperty.Name] = JsonSerializer.SerializeToElement(SplitNamesProperty.Format(["train", "eval"])),
        };
        if (materialized)
        {
            properties["format"] = JsonSerializer.SerializeToElement(Transform.IdvFormat);
        }

        _examples = (Examples)Artifact.Create(typeof(Examples), 3, examplesDir, properties);

        var schemaDir = Path.Combine(_root, "schema");
        Directory.CreateDirectory(schemaDir);
        _schema = (Pipelines.Schema)Artifact.Create(typeof(Pipelines.Schema), 1, schemaDir, new Dictionary<string, JsonElement>());
        var features = numbers.Select(n => new FeatureSchema(n, FeatureType.Float))
            .Concat([new FeatureSchema("origin", FeatureType.String), new FeatureSchema("destination", FeatureType.String), new FeatureSchema(Label, FeatureType.Int)]);
        await new DataSchema([.. features], Label).SaveAsync(_schema.FilePath, cancellationToken);
    }

    public async Task<ITrainedModelUnderTest> TrainAsync(FlightsSplit train, LightGbmSettings settings, CancellationToken cancellationToken)
    {
        // As the engine does at each node's start (NodeJob).
        TransparentHugePages.AdviseGcHeap(out _);
        var modelDir = Path.Combine(_root, "model-" + _runs++);
        Directory.CreateDirectory(modelDir);
        var model = Artifact.Create(typeof(Model), 4, modelDir, new Dictionary<string, JsonElement>());
        var log = new List<string>();
        var context = new ExecutorContext("bench", "Trainer", 1, 1,
            new Dictionary<string, IReadOnlyList<Artifact>> { [Trainer.ExamplesPort] = [_examples!], ["transform_graph"] = [_graph!], ["schema"] = [_schema!] },
            new Dictionary<string, Artifact> { ["model"] = model }, ExternalInputs.None, TimeProvider.System, log.Add);
        var options = new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            LabelColumn = Label,
            PositiveAbove = 0.5,
            Algorithm = new LightGbmOptions
            {
                NumberOfIterations = settings.Iterations,
                NumberOfLeaves = settings.Leaves,
                LearningRate = settings.LearningRate,
                MaximumBinCountPerFeature = settings.MaxBin,
                BinSampleCount = settings.BinSampleCount,
                MinimumExampleCountPerLeaf = settings.MinDataInLeaf,
                MinimumChildWeight = settings.MinSumHessianInLeaf,
                L1Regularization = settings.L1,
                L2Regularization = settings.L2,
                NumberOfThreads = settings.Threads,
                Seed = settings.Seed,
                Deterministic = settings.Deterministic,
                UseCategoricalSplit = true,
                Engine = LightGbmEngine.CApi,
            },
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await new TrainerExecutor().ExecuteAsync(context, options, cancellationToken);
        Console.WriteLine($"  [our Trainer{(materialized ? ", materialized" : "")}, run {_runs}, {watch.Elapsed.TotalSeconds:F2} s] {string.Join(" | ", log)}");

        return new ScoredModel(this, Path.Combine(modelDir, Trainer.ModelFileName));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>The split as raw rows (ExampleGen's columnar table): the numbers, the airports by name, the label as 0/1.</summary>
    private ColumnarTable Table(FlightsSplit split)
    {
        var columns = new List<Column>();
        for (var c = 0; c < 5; c++)
        {
            var values = split.Column(c);
            columns.Add(new NumericColumn(FlightsFeatures.FeatureNames[c], [.. values.Select(v => (double)v)]));
        }

        columns.Add(Airports(split, 5, _data!.Origins));
        columns.Add(Airports(split, 6, _data.Destinations));
        columns.Add(new NumericColumn(Label, [.. split.Labels.Select(l => (double)l)]));
        return new ColumnarTable(columns);

        static TextColumn Airports(FlightsSplit split, int column, IReadOnlyList<string> names) =>
            new(FlightsFeatures.FeatureNames[column], [.. split.Column(column).Select(code => float.IsNaN(code) ? -1 : (int)code)], [.. names]);
    }

    private sealed class ScoredModel(ComponentTrainer trainer, string path) : ITrainedModelUnderTest
    {
        public double[] Score(FlightsSplit split)
        {
            var model = trainer._ml.Model.Load(path, out _);
            return [.. model.Transform(new ColumnarDataView(trainer.Table(split))).GetColumn<float>("Probability").Select(p => (double)p)];
        }

        public void Dispose()
        {
        }
    }
}
