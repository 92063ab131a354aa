using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Penguin preprocessing for tests: measurements as floats, text features one-hot, concatenated into Features.</summary>
public sealed class PenguinFeatures : IPreprocessing
{
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        var numeric = context.NumericFeatures.Select(c => new InputOutputColumnPair($"{c}_f", c)).ToArray();
        var categorical = context.TextFeatures.Select(c => new InputOutputColumnPair($"{c}_onehot", c)).ToArray();
        return mlContext.Transforms.Conversion.ConvertType(numeric, DataKind.Single)
            .Append(mlContext.Transforms.Categorical.OneHotEncoding(categorical))
            .Append(mlContext.Transforms.Concatenate("Features", [.. numeric.Select(p => p.OutputColumnName), .. categorical.Select(p => p.OutputColumnName)]));
    }
}
