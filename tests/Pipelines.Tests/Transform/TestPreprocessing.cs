using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Pipelines.Tests.Transform;

/// <summary>Numeric features to float, text features one-hot encoded, all concatenated into 'Features'.</summary>
public sealed class TestPreprocessing : IPreprocessing
{
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(context);
        var numeric = context.NumericFeatures.Select(c => new InputOutputColumnPair(c + "_f", c)).ToArray();
        IEstimator<ITransformer> estimator = mlContext.Transforms.Conversion.ConvertType(numeric, DataKind.Single);
        foreach (var text in context.TextFeatures)
        {
            estimator = estimator.Append(mlContext.Transforms.Categorical.OneHotEncoding(text + "_onehot", text));
        }

        var inputs = numeric.Select(p => p.OutputColumnName).Concat(context.TextFeatures.Select(t => t + "_onehot")).ToArray();
        return estimator.Append(mlContext.Transforms.Concatenate("Features", inputs));
    }
}

/// <summary>Min-max normalizes x1 into 'x1_scaled' (fitted on the analyze split only).</summary>
public sealed class NormalizingPreprocessing : IPreprocessing
{
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Transforms.NormalizeMinMax("x1_scaled", "x1", fixZero: false);
    }
}

/// <summary>Uses a column that does not exist.</summary>
public sealed class BrokenPreprocessing : IPreprocessing
{
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Transforms.Concatenate("Features", "no_such_column");
    }
}

/// <summary>Leaves the numbers as double in 'Features' (the Trainer converts them to float inside the model).</summary>
public sealed class DoubleFeaturesPreprocessing : IPreprocessing
{
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(context);
        return mlContext.Transforms.Concatenate("Features", [.. context.NumericFeatures]);
    }
}

public abstract class AbstractPreprocessing : IPreprocessing
{
    public abstract IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context);
}

public sealed class PreprocessingWithoutDefaultConstructor(int factor) : IPreprocessing
{
    public int Factor { get; } = factor;

    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context) => throw new NotSupportedException();
}

/// <summary>The flights pipeline's preprocessing over <see cref="ModelingTestData.FlightsLike"/>: date parts, distance as float,
/// one-hot airports, concatenated.</summary>
public sealed class FlightsLikePreprocessing : IPreprocessing
{
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return DateParts.Estimator(mlContext, "date")
            .Append(mlContext.Transforms.Conversion.ConvertType("distance_f", "distance", DataKind.Single))
            .Append(mlContext.Transforms.Categorical.OneHotEncoding([new("origin_onehot", "origin"), new("destination_onehot", "destination")]))
            .Append(mlContext.Transforms.Concatenate("Features", "date_hour", "date_weekday", "date_month", "date_day", "distance_f", "origin_onehot", "destination_onehot"));
    }
}

/// <summary><see cref="TestPreprocessing"/> plus a user custom mapping (x1 squared) defined here, in an assembly that is not the
/// process's entry assembly (the test host is), as a preprocessing in a class library is.</summary>
public sealed class CustomMappingPreprocessing : IPreprocessing
{
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Transforms.CustomMapping(new SquareMapping().GetMapping(), SquareMapping.ContractName)
            .Append(mlContext.Transforms.Conversion.ConvertType("x2_f", "x2", DataKind.Single))
            .Append(mlContext.Transforms.Concatenate("Features", "x1_squared", "x2_f"));
    }
}

[CustomMappingFactoryAttribute(ContractName)]
public sealed class SquareMapping : CustomMappingFactory<SquareMapping.Input, SquareMapping.Output>
{
    public const string ContractName = "Pipelines.Tests.SquareMapping";

    public override Action<Input, Output> GetMapping() => (input, output) => output.x1_squared = (float)(input.x1 * input.x1);

    public sealed class Input
    {
#pragma warning disable IDE1006, CA1707 // ML.NET binds the columns by property name.
        public double x1 { get; set; }
    }

    public sealed class Output
    {
        public float x1_squared { get; set; }
#pragma warning restore IDE1006, CA1707
    }
}

/// <summary>The estimators a user's preprocessing is usually made of besides one-hot: hashing (one-hot of a hashed island),
/// bucketing (x1 into equal-count bins), min-max normalization (x2) and text featurization (the 'note' column).</summary>
public sealed class HashingBucketingTextPreprocessing : IPreprocessing
{
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Transforms.Conversion.ConvertType([new InputOutputColumnPair("x1_f", "x1"), new InputOutputColumnPair("x2_f", "x2")], DataKind.Single)
            .Append(mlContext.Transforms.Categorical.OneHotHashEncoding("island_hash", "island", numberOfBits: 3))
            .Append(mlContext.Transforms.NormalizeBinning("x1_bin", "x1_f", maximumBinCount: 6))
            .Append(mlContext.Transforms.NormalizeMinMax("x2_scaled", "x2_f"))
            .Append(mlContext.Transforms.Text.FeaturizeText("note_text", "note"))
            .Append(mlContext.Transforms.Concatenate("Features", "island_hash", "x1_bin", "x2_scaled", "note_text"));
    }
}
