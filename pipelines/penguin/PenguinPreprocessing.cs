using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines;

namespace Penguin;

/// <summary>
/// The penguin features (TFX's preprocessing_fn): measurements as floats (missing stays NaN, which LightGBM handles),
/// island and sex one-hot encoded, all concatenated into "Features". Fitted on the train split only by Transform.
/// </summary>
public sealed class PenguinPreprocessing : IPreprocessing
{
    /// <inheritdoc />
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        var numeric = context.NumericFeatures.Select(c => new InputOutputColumnPair($"{c}_f", c)).ToArray();
        var categorical = context.TextFeatures.Select(c => new InputOutputColumnPair($"{c}_onehot", c)).ToArray();
        return mlContext.Transforms.Conversion.ConvertType(numeric, DataKind.Single)
            .Append(mlContext.Transforms.Categorical.OneHotEncoding(categorical))
            .Append(mlContext.Transforms.Concatenate("Features", [.. numeric.Select(p => p.OutputColumnName), .. categorical.Select(p => p.OutputColumnName)]));
    }
}
