using Microsoft.ML;

namespace Pipelines;

/// <summary>
/// The user's feature preprocessing (TFX's <c>preprocessing_fn</c>), built from ML.NET estimators: normalisation, one-hot or
/// key encoding, hashing, bucketising, text featurisation, custom mappings. Transform fits it on the train split only and
/// applies it to every split; the Trainer appends its model, so serving applies exactly the same preprocessing.
/// </summary>
/// <remarks>
/// Referenced by type (<c>new TransformOptions { Preprocessing = typeof(PenguinPreprocessing) }</c>); the type and its
/// assembly identity enter the cache fingerprint, so editing it re-runs Transform. It must have a public parameterless
/// constructor. Raw columns arrive as <see cref="double"/> (numbers and timestamps, NaN = missing) and text.
/// </remarks>
public interface IPreprocessing
{
    /// <summary>Builds the (unfitted) preprocessing estimator.</summary>
    IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context);
}
