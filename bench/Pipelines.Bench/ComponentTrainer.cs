using System.Text.Json;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Components;
using Pipelines.Validation;

namespace Pipelines.Bench;

/// <summary>
/// Our Trainer as a pipeline runs it: <see cref="TrainerExecutor"/> on transformed examples on disk (binary IDV, as Transform
/// writes them) with a transform graph and a schema. <see cref="PrepareAsync"/> (untimed) writes them from the benchmark's
/// own rows: the 7 flights features, origin and destination as one-hot blocks of their dictionary codes (<c>MapValueToKey</c>
/// by value + <c>MapKeyToVector</c>, which annotates the blocks as categorical, so LightGBM gets the same 7 columns and the
/// same category numbers as the native side), the eval split included (the Trainer logs its metric per iteration on the first
/// 20,000 eval rows, as in the pipeline). <see cref="TrainAsync"/> (timed) is the whole component: read the IDV, prepare the
/// label, build the LightGBM dataset, boost, convert to ML.NET and verify, save model.zip, the training log and its eval metrics.
/// </summary>
internal sealed class ComponentTrainer : ITrainerUnderTest, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipelines-bench-trainer-" + Guid.NewGuid().ToString("N"));
    private readonly MLContext _ml = new(1);
    private Examples? _examples;
    private TransformGraph? _graph;
    private Pipelines.Schema? _schema;
    private int _runs;

    public string Name => "our Trainer (components/Trainer, LightGBM C API engine, whole component from IDV on disk)";

    public async Task PrepareAsync(FlightsFeatures data, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        var train = Raw(data.Train);
        var eval = Raw(data.Eval);
        var graph = _ml.Transforms.Conversion.MapValueToKey([new("origin_key", "origin"), new("destination_key", "destination")],
                keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(_ml.Transforms.Conversion.MapKeyToVector([new("origin_onehot", "origin_key"), new("destination_onehot", "destination_key")]))
            .Append(_ml.Transforms.Concatenate("Features", "hour", "weekday", "month", "day", "distance", "origin_onehot", "destination_onehot"))
            .Fit(train);

        var graphDir = Path.Combine(_root, "graph");
        Directory.CreateDirectory(graphDir);
        _ml.Model.Save(graph, train.Schema, Path.Combine(graphDir, Transform.TransformFileName));
        _graph = (TransformGraph)Artifact.Create(typeof(TransformGraph), 2, graphDir, new Dictionary<string, JsonElement>());

        var examplesDir = Path.Combine(_root, "transformed");
        foreach (var (name, view) in new[] { ("train", train), ("eval", eval) })
        {
            var dir = Path.Combine(examplesDir, "Split-" + name);
            Directory.CreateDirectory(dir);
            await using var stream = File.Create(Path.Combine(dir, Transform.DataFileName));
            // Transform's own writer (uncompressed blocks, deterministic order), not SaveAsBinary's Deflate: the same bytes a
            // materializing Transform writes, hence the same read cost for the Trainer.
            IdvWriter.Save(_ml, graph.Transform(view), stream);
        }

        _examples = (Examples)Artifact.Create(typeof(Examples), 3, examplesDir, new Dictionary<string, JsonElement>
        {
            ["format"] = JsonSerializer.SerializeToElement(Transform.IdvFormat),
            [SplitNamesProperty.Name] = JsonSerializer.SerializeToElement(SplitNamesProperty.Format(["train", "eval"])),
        });

        var schemaDir = Path.Combine(_root, "schema");
        Directory.CreateDirectory(schemaDir);
        _schema = (Pipelines.Schema)Artifact.Create(typeof(Pipelines.Schema), 1, schemaDir, new Dictionary<string, JsonElement>());
        var features = FlightsFeatures.FeatureNames.Select(n => new FeatureSchema(n, FeatureType.Float)).Append(new FeatureSchema("delayed", FeatureType.Int));
        await new DataSchema([.. features], "delayed").SaveAsync(_schema.FilePath, cancellationToken);
    }

    public async Task<ITrainedModelUnderTest> TrainAsync(FlightsSplit train, LightGbmSettings settings, CancellationToken cancellationToken)
    {
        var modelDir = Path.Combine(_root, "model-" + _runs++);
        Directory.CreateDirectory(modelDir);
        var model = Artifact.Create(typeof(Model), 4, modelDir, new Dictionary<string, JsonElement>());
        var log = new List<string>();
        var context = new ExecutorContext("bench", "Trainer", 1, 1,
            new Dictionary<string, IReadOnlyList<Artifact>> { ["transformed_examples"] = [_examples!], ["transform_graph"] = [_graph!], ["schema"] = [_schema!] },
            new Dictionary<string, Artifact> { ["model"] = model }, ExternalInputs.None, TimeProvider.System, log.Add);
        var options = new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            LabelColumn = "delayed",
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
        await new TrainerExecutor().ExecuteAsync(context, options, cancellationToken);
        Console.WriteLine($"  [our Trainer, run {_runs}] {string.Join(" | ", log)}");

        return new ScoredModel(_ml, Path.Combine(modelDir, Trainer.ModelFileName));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>The split as raw rows: the 7 features as floats (codes for the airports) and the bool label.</summary>
    internal static IDataView Raw(FlightsSplit split)
    {
        var columns = new List<DataFrameColumn>();
        for (var c = 0; c < split.Columns; c++)
        {
            columns.Add(new SingleDataFrameColumn(FlightsFeatures.FeatureNames[c], split.Column(c)));
        }

        columns.Add(new BooleanDataFrameColumn("delayed", split.Labels.Select(l => l > 0.5f)));
        return new DataFrame(columns);
    }

    private sealed class ScoredModel(MLContext ml, string path) : ITrainedModelUnderTest
    {
        public double[] Score(FlightsSplit split)
        {
            var model = ml.Model.Load(path, out _);
            return [.. model.Transform(Raw(split)).GetColumn<float>("Probability").Select(p => (double)p)];
        }

        public void Dispose()
        {
        }
    }
}
