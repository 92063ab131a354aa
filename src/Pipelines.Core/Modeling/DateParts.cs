using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Pipelines;

/// <summary>
/// Preprocessing helper: splits a timestamp column (seconds since the Unix epoch, UTC, NaN = missing) into hour, weekday
/// (0 = Sunday), month (1-12) and day of month as <see cref="float"/> columns <c>&lt;column&gt;_hour</c>, <c>_weekday</c>,
/// <c>_month</c>, <c>_day</c> (NaN when missing). Saved models that use it load wherever Pipelines.Core is loaded
/// (<see cref="ModelLoader"/> registers this assembly with ML.NET).
/// </summary>
public static class DateParts
{
    /// <summary>The ML.NET contract name of the mapping.</summary>
    public const string ContractName = "Pipelines.DateParts.v1";

    private const string Temporary = "__dateparts_input";

    /// <summary>An estimator adding the four date-part columns for <paramref name="column"/>. Fitting it on data whose
    /// <paramref name="column"/> is missing or not a timestamp number fails with a message naming the column and the fix.</summary>
    public static IEstimator<ITransformer> Estimator(MLContext mlContext, string column)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new DatePartsEstimator(Chain(mlContext, column), column);
    }

    private static IEstimator<ITransformer> Chain(MLContext mlContext, string column) =>
        mlContext.Transforms.CopyColumns(Temporary, column)
            .Append(mlContext.Transforms.CustomMapping(new DatePartsMappingFactory().GetMapping(), ContractName))
            .Append(mlContext.Transforms.CopyColumns($"{column}_hour", nameof(DatePartsOutput.DatePartsHour)))
            .Append(mlContext.Transforms.CopyColumns($"{column}_weekday", nameof(DatePartsOutput.DatePartsWeekday)))
            .Append(mlContext.Transforms.CopyColumns($"{column}_month", nameof(DatePartsOutput.DatePartsMonth)))
            .Append(mlContext.Transforms.CopyColumns($"{column}_day", nameof(DatePartsOutput.DatePartsDay)))
            .Append(mlContext.Transforms.DropColumns(Temporary, nameof(DatePartsOutput.DatePartsHour), nameof(DatePartsOutput.DatePartsWeekday),
                nameof(DatePartsOutput.DatePartsMonth), nameof(DatePartsOutput.DatePartsDay)));

    /// <summary>
    /// The chain, with the input checked first: ML.NET would name the chain's internal copy ('__dateparts_input') in its error.
    /// Fitting gives the chain's own transformer. Estimators appended to this one nest that chain one level in the saved graph
    /// (TransformerChain[TransformerChain[…], …]), which TransformerSteps.Flatten, the compiled featurizer and ML.NET all read
    /// through; graphs saved before 2026-12-02 were flat, so their bytes (and the cache keys after them) change once.
    /// </summary>
    private sealed class DatePartsEstimator(IEstimator<ITransformer> chain, string column) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input)
        {
            ArgumentNullException.ThrowIfNull(input);
            var found = input.Schema.GetColumnOrNull(column);
            Check(found is { IsHidden: false } c ? (c.Type.ToString() ?? "", c.Type == NumberDataViewType.Double, c.Type is TextDataViewType) : null);
            return chain.Fit(input);
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            ArgumentNullException.ThrowIfNull(inputSchema);
            var found = inputSchema.Where(c => c.Name == column).Select(c => (SchemaShape.Column?)c).FirstOrDefault();
            Check(found is { } c
                ? ((c.Kind == SchemaShape.Column.VectorKind.Scalar ? c.ItemType.ToString() : $"a vector of {c.ItemType}") ?? "",
                    c.Kind == SchemaShape.Column.VectorKind.Scalar && c.ItemType == NumberDataViewType.Double,
                    c.Kind == SchemaShape.Column.VectorKind.Scalar && c.ItemType is TextDataViewType)
                : null);
            return chain.GetOutputSchema(inputSchema);
        }

        private void Check((string Type, bool IsDouble, bool IsText)? found)
        {
            if (found is { IsDouble: true })
            {
                return;
            }

            throw new InvalidOperationException(found is not { } f
                ? $"DateParts needs the column '{column}', which the data does not have."
                : $"DateParts needs '{column}' as a timestamp: a Double column of seconds since the Unix epoch, which is how ExampleGen reads Parquet timestamps. '{column}' is {f.Type}" +
                  (f.IsText ? ": CSV and JSON dates are read as text. Write the column as seconds since the epoch, or use Parquet with a timestamp column." : "."));
        }
    }
}

/// <summary>Input row of the date-parts mapping (internal contract; public for ML.NET's reflection).</summary>
public sealed class DatePartsInput
{
    /// <summary>Seconds since the Unix epoch.</summary>
    [ColumnName("__dateparts_input")]
    public double Timestamp { get; set; }
}

/// <summary>Output row of the date-parts mapping (internal contract; public for ML.NET's reflection).</summary>
public sealed class DatePartsOutput
{
    /// <summary>Hour 0-23.</summary>
    public float DatePartsHour { get; set; }

    /// <summary>Weekday 0 (Sunday) to 6.</summary>
    public float DatePartsWeekday { get; set; }

    /// <summary>Month 1-12.</summary>
    public float DatePartsMonth { get; set; }

    /// <summary>Day of month 1-31.</summary>
    public float DatePartsDay { get; set; }
}

/// <summary>The saved-model factory of the date-parts mapping.</summary>
[CustomMappingFactoryAttribute(DateParts.ContractName)]
public sealed class DatePartsMappingFactory : CustomMappingFactory<DatePartsInput, DatePartsOutput>
{
    /// <inheritdoc />
    public override Action<DatePartsInput, DatePartsOutput> GetMapping() => (input, output) =>
    {
        var t = input.Timestamp;
        if (double.IsNaN(t) || double.IsInfinity(t) || t < -62135596800 || t > 253402300799)
        {
            output.DatePartsHour = output.DatePartsWeekday = output.DatePartsMonth = output.DatePartsDay = float.NaN;
            return;
        }

        var d = DateTime.UnixEpoch.AddSeconds(t);
        output.DatePartsHour = d.Hour;
        output.DatePartsWeekday = (float)d.DayOfWeek;
        output.DatePartsMonth = d.Month;
        output.DatePartsDay = d.Day;
    };
}
