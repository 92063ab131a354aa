using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>
/// Infers a <see cref="DataSchema"/> from statistics (what <see cref="SchemaGen"/> does without a curated file).
/// </summary>
/// <remarks>
/// Rules, per column (columns in the order of the reference split — <c>train</c>, else the first — then columns seen only in
/// other splits); like TFX, all splits contribute (TFX infers on the first split and updates with the others):
/// <list type="bullet">
/// <item><b>type</b>: <c>string</c> for text, <c>timestamp</c> for timestamps; for numbers <c>int</c> when every value in every
/// split is whole, else <c>float</c> (a column with no value at all is <c>float</c>).</item>
/// <item><b>presence.minFraction</b>: 1.0 when no split misses a value; otherwise the smallest non-missing fraction over the
/// non-empty splits, rounded <i>down</i> to 2 decimals (0.957 → 0.95), so the data it was inferred from passes.</item>
/// <item><b>domain</b>: for text columns whose distinct values over all splits number at most
/// <see cref="SchemaGenOptions.MaxDomainSize"/>, every value, sorted ordinally; none otherwise (and none when a split has
/// more than <see cref="ColumnStatisticsLimits.MaxValueCounts"/> distinct values).</item>
/// <item><b>range</b>: never inferred (as in TFX: a range needs a human; curate it).</item>
/// <item><b>drift</b>: <see cref="SchemaGenOptions.DriftThreshold"/> (default 0.1) as <c>lInfinity</c> for strings and
/// <c>jensenShannon</c> for int/float; none for timestamps, whose distribution moves with every span by design.</item>
/// <item><b>labelColumn</b>/<b>task</b> from the options; a text label without a task is <c>classification</c>.</item>
/// <item><b>datasetConstraints</b>: not inferred (size-change limits are a business decision; curate them).</item>
/// </list>
/// </remarks>
public static class SchemaInference
{
    /// <summary>Infers a schema.</summary>
    /// <exception cref="DataValidationException">There are no splits, or the label column is not in the statistics.</exception>
    public static DataSchema Infer(DatasetStatistics statistics, SchemaGenOptions options)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        var reference = statistics.ReferenceSplit
            ?? throw new DataValidationException("The statistics hold no split, so no schema can be inferred. Check the examples ExampleGen produced.");

        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var split in statistics.Splits.Prepend(reference))
        {
            foreach (var f in split.Features)
            {
                if (seen.Add(f.Name))
                {
                    names.Add(f.Name);
                }
            }
        }

        var features = new List<FeatureSchema>(names.Count);
        foreach (var name in names)
        {
            var perSplit = statistics.Splits.Select(s => (Split: s, Feature: s.FindFeature(name))).Where(x => x.Feature is not null).ToList();
            var kind = (reference.FindFeature(name) ?? perSplit[0].Feature!).Kind;
            var type = InferType(kind, perSplit.Select(x => x.Feature!));
            features.Add(new FeatureSchema(
                name,
                type,
                new FeaturePresence(InferMinFraction(perSplit.Select(x => x.Feature!))),
                type == FeatureType.String ? InferDomain(perSplit.Select(x => x.Feature!), options.MaxDomainSize) : null,
                Range: null,
                Drift: InferDrift(type, options.DriftThreshold)));
        }

        LearningTask? task = options.Task;
        if (options.LabelColumn is { } label)
        {
            var labelFeature = features.Find(f => f.Name == label) ?? throw new DataValidationException(
                $"SchemaGenOptions.LabelColumn is '{label}', but the statistics have no such column. Columns: {string.Join(", ", names.Select(n => $"'{n}'"))}. Fix the option.");
            task ??= labelFeature.Type == FeatureType.String ? LearningTask.Classification : null;
        }

        return new DataSchema(features, options.LabelColumn, task) { Source = SchemaSource.Inferred };
    }

    private static FeatureType InferType(ColumnKind kind, IEnumerable<FeatureStatistics> features) => kind switch
    {
        ColumnKind.Text => FeatureType.String,
        ColumnKind.Timestamp => FeatureType.Timestamp,
        _ => features.Any(f => f.Numeric is not null) && features.All(f => f.Numeric is null || f.Numeric.IsInteger)
            ? FeatureType.Int
            : FeatureType.Float,
    };

    private static double InferMinFraction(IEnumerable<FeatureStatistics> features)
    {
        var fraction = 1.0;
        foreach (var f in features)
        {
            if (f.Rows == 0 || f.Missing == 0)
            {
                continue;
            }

            // Integer arithmetic: floor(count / rows, 2 decimals) without binary rounding surprises.
            fraction = Math.Min(fraction, (f.Count * 100 / f.Rows) / 100.0);
        }

        return fraction;
    }

    private static List<string>? InferDomain(IEnumerable<FeatureStatistics> features, int maxDomainSize)
    {
        if (maxDomainSize == 0)
        {
            return null;
        }

        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var f in features)
        {
            if (f.Text?.ValueCounts is not { } counts)
            {
                return null;
            }

            foreach (var c in counts)
            {
                values.Add(c.Value);
            }

            if (values.Count > maxDomainSize)
            {
                return null;
            }
        }

        return values.Count == 0 ? null : [.. values];
    }

    private static DriftThresholds? InferDrift(FeatureType type, double? threshold) => (type, threshold) switch
    {
        (_, null) => null,
        (FeatureType.String, { } t) => new DriftThresholds(LInfinity: t),
        (FeatureType.Int or FeatureType.Float, { } t) => new DriftThresholds(JensenShannon: t),
        _ => null,
    };
}
