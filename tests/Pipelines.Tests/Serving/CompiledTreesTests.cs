using System.Buffers;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Pipelines.Data;
using Pipelines.Serving;

namespace Pipelines.Tests.Serving;

/// <summary>
/// The served model scores GBDTs with compiled trees; every prediction must equal ML.NET's bulk scoring of the same raw rows
/// (the pipeline's own path), including rows with missing values, which fall back to ML.NET.
/// </summary>
public sealed class CompiledTreesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "compiled-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Predict_BinaryLightGbmWithOneHotAndMissing_EqualsMlNetBulkScoring()
    {
        var ml = new MLContext(seed: 3);
        var train = Table(4_000, seed: 1, missingEvery: 0);
        var view = new ColumnarDataView(train);
        var model = ml.Transforms.Expression("Label", "y => y > 0", "y")
            .Append(ml.Transforms.Categorical.OneHotEncoding("city_onehot", "city"))
            .Append(ml.Transforms.Conversion.ConvertType([new InputOutputColumnPair("x_f", "x"), new InputOutputColumnPair("z_f", "z")], DataKind.Single))
            .Append(ml.Transforms.Concatenate("Features", "x_f", "z_f", "city_onehot"))
            .Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfIterations = 40, NumberOfLeaves = 15, MinimumExampleCountPerLeaf = 10, UseCategoricalSplit = true, NumberOfThreads = 1, Seed = 1,
            }))
            .Fit(view);
        var served = await SaveAndLoadAsync(ml, model, view.Schema);
        Assert.StartsWith("compiled trees", served.Scoring, StringComparison.Ordinal);

        var test = Table(600, seed: 2, missingEvery: 7);
        var expected = model.Transform(new ColumnarDataView(test));
        var scores = expected.GetColumn<float>("Score").ToArray();
        var probabilities = expected.GetColumn<float>("Probability").ToArray();
        var labels = expected.GetColumn<bool>("PredictedLabel").ToArray();
        var predictions = Predict(served, test);
        for (var i = 0; i < test.RowCount; i++)
        {
            var p = predictions[i];
            Assert.Equal(scores[i], p.GetProperty("score").GetSingle());
            Assert.Equal(probabilities[i], p.GetProperty("probability").GetSingle());
            Assert.Equal(labels[i], p.GetProperty("label").GetBoolean());
        }
    }

    [Fact]
    public async Task Load_BinaryModelWithAChangedThreshold_ServedByMlNetNotCompiledTrees()
    {
        var ml = new MLContext(seed: 3);
        var view = new ColumnarDataView(Table(2_000, seed: 1, missingEvery: 0));
        var chain = ml.Transforms.Expression("Label", "y => y > 0", "y")
            .Append(ml.Transforms.Conversion.ConvertType([new InputOutputColumnPair("x_f", "x"), new InputOutputColumnPair("z_f", "z")], DataKind.Single))
            .Append(ml.Transforms.Concatenate("Features", "x_f", "z_f"))
            .Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfIterations = 10, NumberOfThreads = 1, Seed = 1 }))
            .Fit(view);

        // Labels then come from Score > 0.1: the compiled path (Score > 0) must not serve it.
        var changed = ml.BinaryClassification.ChangeModelThreshold(chain.LastTransformer, 0.1f);
        var model = new TransformerChain<ITransformer>([.. chain.Take(chain.Count() - 1), changed]);
        var served = await SaveAndLoadAsync(ml, model, view.Schema);

        Assert.StartsWith("ML.NET (the binary predictor labels Score > 0.1", served.Scoring, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_FastTreeRegression_EqualsMlNetBulkScoring()
    {
        var ml = new MLContext(seed: 3);
        var train = Table(3_000, seed: 4, missingEvery: 0);
        var view = new ColumnarDataView(train);
        var model = ml.Transforms.Conversion.ConvertType([new InputOutputColumnPair("Label", "y"), new InputOutputColumnPair("x_f", "x"), new InputOutputColumnPair("z_f", "z")], DataKind.Single)
            .Append(ml.Transforms.Concatenate("Features", "x_f", "z_f"))
            .Append(ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 5))
            .Fit(view);
        var served = await SaveAndLoadAsync(ml, model, view.Schema);
        Assert.StartsWith("compiled trees", served.Scoring, StringComparison.Ordinal);

        var test = Table(500, seed: 5, missingEvery: 9);
        var scores = model.Transform(new ColumnarDataView(test)).GetColumn<float>("Score").ToArray();
        var predictions = Predict(served, test);
        for (var i = 0; i < test.RowCount; i++)
        {
            Assert.Equal(scores[i], predictions[i].GetProperty("score").GetSingle());
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static ColumnarTable Table(int rows, int seed, int missingEvery)
    {
        var random = new Random(seed);
        string[] cities = ["ams", "ber", "cdg", "dub", "ewr", "fra", "gva", "hel"];
        var x = new double[rows];
        var z = new double[rows];
        var y = new double[rows];
        var codes = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            codes[i] = random.Next(cities.Length);
            x[i] = (random.NextDouble() * 10) - 5;
            z[i] = random.NextDouble() * 100;
            y[i] = x[i] + (codes[i] % 3) - 1 + (0.01 * z[i]) + random.NextDouble() - 0.5 > 0 ? 1 : -1;
            if (missingEvery > 0 && i % missingEvery == 0)
            {
                x[i] = double.NaN;
            }
        }

        return new ColumnarTable([new NumericColumn("x", x), new NumericColumn("z", z), new TextColumn("city", codes, cities), new NumericColumn("y", y)]);
    }

    private async Task<ServedModel> SaveAndLoadAsync(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        Directory.CreateDirectory(_directory);
        ml.Model.Save(model, schema, Path.Combine(_directory, "model.zip"));

        // As the Trainer writes it: the label is not needed at serving time.
        await File.WriteAllTextAsync(Path.Combine(_directory, "input_schema.json"),
            """[{"Name":"x","Kind":"numeric","Required":true},{"Name":"z","Kind":"numeric","Required":true},{"Name":"city","Kind":"text","Required":true},{"Name":"y","Kind":"numeric","Required":false}]""");
        var (hash, _) = await DirectoryHash.ComputeAsync(_directory, CancellationToken.None);
        return await ServedModel.LoadAsync(_directory, new ModelIdentity("m", 1, 1, hash), CancellationToken.None);
    }

    private static JsonElement[] Predict(ServedModel served, ColumnarTable table)
    {
        var request = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(request))
        {
            writer.WriteStartArray();
            for (var row = 0; row < table.RowCount; row++)
            {
                writer.WriteStartObject();
                foreach (var column in table.Columns.Where(c => c.Name != "y"))
                {
                    switch (column)
                    {
                        case NumericColumn n when double.IsFinite(n.Values[row]):
                            writer.WriteNumber(column.Name, n.Values[row]);
                            break;
                        case TextColumn t:
                            writer.WriteString(column.Name, t[row]);
                            break;
                        default:
                            writer.WriteNull(column.Name);
                            break;
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        using var instances = JsonDocument.Parse(request.WrittenMemory);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            served.Predict(instances.RootElement, 10_000, writer);
        }

        using var predictions = JsonDocument.Parse(output.WrittenMemory);
        return [.. predictions.RootElement.EnumerateArray().Select(p => p.Clone())];
    }
}
