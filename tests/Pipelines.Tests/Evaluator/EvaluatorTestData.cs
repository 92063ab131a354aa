using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Tests.Evaluator;

/// <summary>Small tables, models and artifacts for Evaluator tests: a penguin-like 3-class problem, a binary and a regression
/// problem, models trained here with ML.NET (not the Trainer) and saved on raw rows as the Trainer does.</summary>
internal static class EvaluatorTestData
{
    public static readonly string[] Species = ["Adelie", "Chinstrap", "Gentoo"];

    /// <summary>Penguin-like rows: bill length and flipper length by species; Gentoo on Biscoe, Chinstrap on Dream, Adelie on
    /// all three islands with Torgersen rare (every sixth Adelie).</summary>
    public static ColumnarTable Penguins(int rows, int seed)
    {
        var random = new Random(seed);
        var bill = new double[rows];
        var flipper = new double[rows];
        var islandCodes = new int[rows];
        var speciesCodes = new int[rows];
        string[] islands = ["Biscoe", "Dream", "Torgersen"];
        double[] billMean = [38.8, 48.8, 47.5];
        double[] flipperMean = [190, 196, 217];
        for (var i = 0; i < rows; i++)
        {
            var c = i % 3;
            speciesCodes[i] = c;
            bill[i] = billMean[c] + (1.5 * Normal(random));
            flipper[i] = flipperMean[c] + (4 * Normal(random));
            islandCodes[i] = c switch
            {
                1 => 1,
                2 => 0,
                _ => i / 3 % 6 == 0 ? 2 : i / 3 % 2,
            };
        }

        return new ColumnarTable([
            new NumericColumn("bill_length_mm", bill),
            new NumericColumn("flipper_length_mm", flipper),
            new TextColumn("island", islandCodes, islands),
            new TextColumn("species", speciesCodes, Species),
        ]);
    }

    /// <summary>Rows with a numeric label <c>y</c> = 1 when x + noise &gt; 0 (or all <paramref name="constantLabel"/>).</summary>
    public static ColumnarTable Binary(int rows, int seed, double? constantLabel = null)
    {
        var random = new Random(seed);
        var x = new double[rows];
        var z = new double[rows];
        var y = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            x[i] = Normal(random);
            z[i] = Normal(random);
            y[i] = constantLabel ?? (x[i] + (0.5 * Normal(random)) > 0 ? 1 : 0);
        }

        return new ColumnarTable([new NumericColumn("x", x), new NumericColumn("z", z), new NumericColumn("y", y)]);
    }

    /// <summary>Rows with <c>target</c> = 3a - 2b + noise.</summary>
    public static ColumnarTable Regression(int rows, int seed)
    {
        var random = new Random(seed);
        var a = new double[rows];
        var b = new double[rows];
        var target = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            a[i] = Normal(random);
            b[i] = Normal(random);
            target[i] = (3 * a[i]) - (2 * b[i]) + (0.1 * Normal(random));
        }

        return new ColumnarTable([new NumericColumn("a", a), new NumericColumn("b", b), new NumericColumn("target", target)]);
    }

    /// <summary>Queries of eight documents; relevance 0..3 grows with <c>r</c>; <c>noise</c> is irrelevant.</summary>
    public static ColumnarTable Ranking(int queries, int seed)
    {
        var random = new Random(seed);
        var rows = queries * 8;
        var query = new double[rows];
        var r = new double[rows];
        var noise = new double[rows];
        var relevance = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            query[i] = i / 8;
            r[i] = random.NextDouble() * 4;
            noise[i] = random.NextDouble();
            relevance[i] = Math.Clamp(Math.Floor(r[i] + (0.5 * Normal(random))), 0, 3);
        }

        return new ColumnarTable([new NumericColumn("query", query), new NumericColumn("r", r), new NumericColumn("noise", noise), new NumericColumn("relevance", relevance)]);
    }

    /// <summary>A LightGBM ranking model of relevance within queries.</summary>
    public static ITransformer TrainRanking(MLContext ml, IDataView train)
    {
        var pipeline = ml.Transforms.Conversion.ConvertType([new("Label", "relevance"), new("r_f", "r"), new("noise_f", "noise")], DataKind.Single)
            .Append(ml.Transforms.Conversion.MapValueToKey("GroupId", "query"))
            .Append(ml.Transforms.Concatenate("Features", "r_f", "noise_f"))
            .Append(ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
            {
                NumberOfIterations = 30,
                MinimumExampleCountPerLeaf = 5,
                NumberOfThreads = 1,
                Seed = 1,
                RowGroupColumnName = "GroupId",
            }));
        return pipeline.Fit(train);
    }

    /// <summary>A LightGBM multiclass model on species; <paramref name="features"/> limits the numeric features used.</summary>
    public static ITransformer TrainMulticlass(MLContext ml, IDataView train, params string[] features)
    {
        features = features.Length == 0 ? ["bill_length_mm", "flipper_length_mm"] : features;
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "species")
            .Append(ml.Transforms.Conversion.ConvertType([.. features.Select(f => new InputOutputColumnPair(f + "_f", f))], DataKind.Single))
            .Append(ml.Transforms.Categorical.OneHotEncoding("island_onehot", "island"))
            .Append(ml.Transforms.Concatenate("Features", [.. features.Select(f => f + "_f"), "island_onehot"]))
            .Append(ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                NumberOfIterations = 30,
                MinimumExampleCountPerLeaf = 3,
                NumberOfThreads = 1,
                Seed = 1,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        return pipeline.Fit(train);
    }

    /// <summary>A FastTree binary model on x and z with label y (numeric 0/1).</summary>
    public static ITransformer TrainBinary(MLContext ml, IDataView train)
    {
        var pipeline = ml.Transforms.Expression("Label", "y => y > 0", "y")
            .Append(ml.Transforms.Conversion.ConvertType([new InputOutputColumnPair("x_f", "x"), new InputOutputColumnPair("z_f", "z")], DataKind.Single))
            .Append(ml.Transforms.Concatenate("Features", "x_f", "z_f"))
            .Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = 20,
                NumberOfLeaves = 4,
                MinimumExampleCountPerLeaf = 5,
                NumberOfThreads = 1,
            }));
        return pipeline.Fit(train);
    }

    /// <summary>A FastTree regression model of target on a and b.</summary>
    public static ITransformer TrainRegression(MLContext ml, IDataView train)
    {
        var pipeline = ml.Transforms.Conversion.ConvertType([new("Label", "target"), new("a_f", "a"), new("b_f", "b")], DataKind.Single)
            .Append(ml.Transforms.Concatenate("Features", "a_f", "b_f"))
            .Append(ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                NumberOfTrees = 50,
                NumberOfLeaves = 8,
                MinimumExampleCountPerLeaf = 5,
                NumberOfThreads = 1,
            }));
        return pipeline.Fit(train);
    }

    /// <summary>Saves a model on the raw schema into a new Model artifact directory.</summary>
    public static Model SaveModel(MLContext ml, ITransformer model, DataViewSchema rawSchema, string directory, long id, string task, string label)
    {
        Directory.CreateDirectory(directory);
        ml.Model.Save(model, rawSchema, Path.Combine(directory, "model.zip"));
        return (Model)Artifact.Create(typeof(Model), id, directory, Properties(("task", task), ("label", label)));
    }

    /// <summary>Writes splits into a new Examples artifact directory.</summary>
    public static async Task<Examples> WriteExamplesAsync(string directory, long id, params (string Split, ColumnarTable Table)[] splits)
    {
        foreach (var (split, table) in splits)
        {
            await ColumnarFormat.WriteAsync(table, Path.Combine(directory, "Split-" + split), CancellationToken.None);
        }

        return (Examples)Artifact.Create(typeof(Examples), id, directory,
            Properties((SplitNamesProperty.Name, SplitNamesProperty.Format(splits.Select(s => s.Split)))));
    }

    public static Dictionary<string, JsonElement> Properties(params (string Name, object Value)[] properties) =>
        properties.ToDictionary(p => p.Name, p => JsonSerializer.SerializeToElement(p.Value));

    public static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
