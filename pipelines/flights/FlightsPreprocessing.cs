using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines;

namespace Flights;

/// <summary>
/// Flight features: hour, weekday, month and day of month from the departure timestamp (<see cref="DateParts"/>), distance,
/// and origin and destination airports one-hot encoded so LightGBM splits on them as high-cardinality categoricals
/// (the one-hot blocks carry ML.NET's categorical slot ranges). Fitted on the train split only by Transform.
/// </summary>
public sealed class FlightsPreprocessing : IPreprocessing
{
    /// <inheritdoc />
    public IEstimator<ITransformer> Build(MLContext mlContext, PreprocessingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return DateParts.Estimator(mlContext, "date")
            .Append(mlContext.Transforms.Conversion.ConvertType("distance_f", "distance", DataKind.Single))
            .Append(mlContext.Transforms.Categorical.OneHotEncoding([new("origin_onehot", "origin"), new("destination_onehot", "destination")]))
            .Append(mlContext.Transforms.Concatenate("Features",
                "date_hour", "date_weekday", "date_month", "date_day", "distance_f", "origin_onehot", "destination_onehot"));
    }
}
