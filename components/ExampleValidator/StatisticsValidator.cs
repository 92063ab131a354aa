using System.Globalization;
using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>
/// Compares statistics with a schema and, when given, with baseline statistics (what <see cref="ExampleValidator"/> does).
/// </summary>
/// <remarks>
/// First the dataset-level anomalies (split <see cref="Anomaly.DatasetSplit"/>, <c>*</c>):
/// <list type="bullet">
/// <item><see cref="AnomalyKind.InferredSchema"/> (warning) when the schema's <see cref="DataSchema.Source"/> is
/// <see cref="SchemaSource.Inferred"/>: it was inferred from this very data, so domain, presence and type checks cannot fail.</item>
/// <item>With a baseline: <see cref="AnomalyKind.DatasetSizeChange"/> (error), total rows over all splits against the baseline's
/// total, per the schema's dataset constraints (totals, not per split: the constraint guards the input against truncation or
/// duplication, and a per-split count also moves when the split configuration changes).</item>
/// </list>
/// Then per split, in this order (features marked <c>skip</c> are never checked):
/// <list type="number">
/// <item><see cref="AnomalyKind.EmptySplit"/> (error); an empty split gets no further checks.</item>
/// <item>Per schema feature: <see cref="AnomalyKind.MissingColumn"/>, <see cref="AnomalyKind.TypeMismatch"/> (int expected but a
/// value is fractional; number vs text vs timestamp), <see cref="AnomalyKind.AllMissingColumn"/> (each stops the feature's other
/// checks), <see cref="AnomalyKind.MissingValuesOverLimit"/> (missing fraction &gt; 1 − minFraction),
/// <see cref="AnomalyKind.UnexpectedCategoricalValues"/> (any value outside the domain; the 10 most frequent listed),
/// <see cref="AnomalyKind.ValueOutOfRange"/> (min or max outside the range) — all errors.</item>
/// <item><see cref="AnomalyKind.UnexpectedColumn"/> per column not in the schema (warning).</item>
/// <item>Label: <see cref="AnomalyKind.SingleClassSplit"/> (classification) or <see cref="AnomalyKind.ConstantLabel"/> (other tasks)
/// when the label has one value (error); <see cref="AnomalyKind.LabelLeakage"/> (warning) for a column whose statistics equal the
/// label's: for text, the same number of missing values and the same multiset of per-value counts (a verbatim or renamed-value
/// copy); for numbers, identical min, max, mean, standard deviation, quantiles and histogram counts. Statistics cannot see rows,
/// so a coincidental match is flagged and a noisy or partial copy is not.</item>
/// <item>With a baseline, for the reference split only (<c>train</c>, else the first) <see cref="AnomalyKind.Drift"/> against
/// the baseline's reference split (<c>train</c>, else its first; the other splits are not compared, as in TFX's
/// <c>drift_comparator</c> on the training split): L-infinity for strings (needs full value counts, so not for columns above
/// <see cref="ColumnStatisticsLimits.MaxValueCounts"/> distinct values), Jensen–Shannon over the histograms for numbers
/// (<see cref="DriftDistance"/>). Without a baseline neither runs.</item>
/// <item>With a baseline and an inferred schema (which describes the data it validates), the reference split's columns against
/// the baseline's: <see cref="AnomalyKind.MissingColumn"/> for a column gone since, <see cref="AnomalyKind.TypeMismatch"/> for a
/// column of another kind (numeric, text, timestamp) — errors. A curated schema checks its own columns instead.</item>
/// </list>
/// </remarks>
public static class StatisticsValidator
{
    private const int ListedValues = 10;

    /// <summary>Validates <paramref name="statistics"/>.</summary>
    /// <param name="statistics">The statistics to check.</param>
    /// <param name="schema">The schema.</param>
    /// <param name="baseline">The previous span's statistics, or null (no drift or size checks).</param>
    /// <param name="schemaFile">How messages name the schema file to edit (e.g. <c>schemas/penguin.schema.json</c>).</param>
    /// <param name="serving">Statistics of served requests (the model server's request log), or null (no skew check).</param>
    public static AnomalyReport Validate(
        DatasetStatistics statistics, DataSchema schema, DatasetStatistics? baseline = null, string schemaFile = "the curated schema", DatasetStatistics? serving = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(schema);
        var anomalies = new List<Anomaly>();
        var reference = statistics.ReferenceSplit;
        var since = baseline?.Span is { } bs ? $"since the baseline (span {bs})" : "since the baseline statistics";
        if (schema.Source == SchemaSource.Inferred)
        {
            anomalies.Add(new Anomaly(Anomaly.DatasetSplit, null, AnomalyKind.InferredSchema, AnomalySeverity.Warning,
                $"The schema was inferred from the data it validates (there is no curated {schemaFile}), so it describes this data instead of checking it: new categorical values, more missing values or changed types pass unnoticed; only the label checks and, with a baseline, drift and columns gone or changed in kind since it are effective. Fix: run the pipeline with the export-schema verb (dotnet run --project <pipeline project> -- export-schema), which writes the inferred schema to {schemaFile}; review it (domains, ranges, presence, datasetConstraints) and commit it. SchemaGen then uses it.",
                new AnomalyDetails(Expected: "curated", Actual: "inferred")));
        }

        if (baseline is not null && schema.DatasetConstraints is { } constraints)
        {
            CheckSize(statistics, baseline, constraints, since, schemaFile, anomalies);
        }

        foreach (var split in statistics.Splits)
        {
            if (split.RowCount == 0)
            {
                anomalies.Add(Error(split.Name, null, AnomalyKind.EmptySplit,
                    $"Split '{split.Name}' has no rows. Fix: check the input data and ExampleGen's split configuration (a hash split of few rows can leave a split empty)."));
                continue;
            }

            var wellTyped = CheckFeatures(split, schema, schemaFile, anomalies);
            CheckUnexpectedColumns(split, schema, schemaFile, anomalies);
            CheckLabel(split, schema, schemaFile, wellTyped, anomalies);
            if (ReferenceEquals(split, reference) && baseline?.ReferenceSplit is { } baseReference)
            {
                if (schema.Source == SchemaSource.Inferred)
                {
                    CheckColumnsAgainstBaseline(split, baseReference, since, schemaFile, anomalies);
                }

                Compare(split, baseReference, schema, wellTyped, anomalies, new Comparison(AnomalyKind.Drift, f => f.Drift,
                    $"drifted {since}", "check the source data for a change in collection or units; if the shift is expected, raise drift.{0} for '{1}' in " + schemaFile));
            }

            if (ReferenceEquals(split, reference) && serving?.ReferenceSplit is { } served)
            {
                Compare(split, served, schema, wellTyped, anomalies, new Comparison(AnomalyKind.TrainingServingSkew, f => f.Skew ?? f.Drift,
                    "differs between training and the served requests (training/serving skew)",
                    "check what clients send (units, encodings, a changed upstream feed) against the training data; if serving traffic legitimately differs, retrain on recent data or set skew.{0} for '{1}' in " + schemaFile,
                    "is {1} in training and {0} in the served requests", "{1} in training, {0} served"));
            }
        }

        return new AnomalyReport(anomalies, statistics.Span, baseline?.Span, baseline is not null);
    }

    // Returns the features that exist with the expected type and at least one value (the ones later checks may use).
    private static HashSet<string> CheckFeatures(SplitStatistics split, DataSchema schema, string schemaFile, List<Anomaly> anomalies)
    {
        var usable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expected in schema.Features)
        {
            if (expected.Skip)
            {
                continue;
            }

            var name = expected.Name;
            var actual = split.FindFeature(name);
            if (actual is null)
            {
                anomalies.Add(Error(split.Name, name, AnomalyKind.MissingColumn,
                    $"Column '{name}' is in the schema but missing from split '{split.Name}'. Fix: restore the column in the input data (check the header spelling), or remove the feature (or set \"skip\": true) in {schemaFile}."));
                continue;
            }

            if (TypeProblem(expected.Type, actual) is { } found)
            {
                anomalies.Add(Error(split.Name, name, AnomalyKind.TypeMismatch,
                    $"Column '{name}' in split '{split.Name}' is {found} but the schema expects type '{TypeName(expected.Type)}'. Fix: correct the input data, or change the feature's type in {schemaFile}.",
                    new AnomalyDetails(Expected: TypeName(expected.Type), Actual: found)));
                continue;
            }

            if (actual.Count == 0)
            {
                anomalies.Add(Error(split.Name, name, AnomalyKind.AllMissingColumn,
                    $"Column '{name}' in split '{split.Name}' has no value in any of its {actual.Rows} rows. Fix: check the source data and how it is read (column name, delimiter, null markers), or set \"skip\": true for it in {schemaFile}.",
                    new AnomalyDetails(Observed: 1.0)));
                continue;
            }

            usable.Add(name);
            if (expected.Presence is { MinFraction: var minFraction } && (double)actual.Count / actual.Rows < minFraction - 1e-12)
            {
                var missingFraction = (double)actual.Missing / actual.Rows;
                anomalies.Add(Error(split.Name, name, AnomalyKind.MissingValuesOverLimit,
                    $"Column '{name}' in split '{split.Name}' misses a value in {Percent(missingFraction)} of rows ({actual.Missing} of {actual.Rows}); the schema allows at most {Percent(1 - minFraction)} (presence.minFraction {Number(minFraction)}). Fix: repair the source data, or lower presence.minFraction for '{name}' in {schemaFile}.",
                    new AnomalyDetails(Observed: missingFraction, Limit: 1 - minFraction)));
            }

            if (expected.Domain is { } domain && actual.Text is { } text)
            {
                CheckDomain(split.Name, name, domain, actual, text, schemaFile, anomalies);
            }

            if (expected.Range is { } range && actual.Numeric is { } numeric)
            {
                CheckRange(split.Name, name, range, numeric, schemaFile, anomalies);
            }
        }

        return usable;
    }

    private static void CheckDomain(string split, string name, IReadOnlyList<string> domain, FeatureStatistics actual, TextStatistics text, string schemaFile, List<Anomaly> anomalies)
    {
        var allowed = new HashSet<string>(domain, StringComparer.Ordinal);
        var exact = text.ValueCounts is not null;
        var unexpected = (text.ValueCounts ?? text.TopValues).Where(v => !allowed.Contains(v.Value)).ToList();
        var distinctUnexpected = exact ? unexpected.Count : Math.Max(unexpected.Count, text.Distinct - allowed.Count);
        if (distinctUnexpected <= 0)
        {
            return;
        }

        var rows = unexpected.Sum(v => v.Count);
        var fraction = (double)rows / actual.Count;
        var listed = unexpected.Take(ListedValues).ToList();
        var list = string.Join(", ", listed.Select(v => $"'{v.Value}' ({v.Count})"));
        var more = distinctUnexpected > listed.Count ? $", and {distinctUnexpected - listed.Count} more" : "";
        var atLeast = exact ? "" : "at least ";
        anomalies.Add(Error(split, name, AnomalyKind.UnexpectedCategoricalValues,
            $"Column '{name}' in split '{split}' has {atLeast}{distinctUnexpected} value(s) outside the schema domain, {atLeast}{Percent(fraction)} of its values: {list}{more}. Fix: if they are valid, add them to the domain of '{name}' in {schemaFile}; otherwise correct the source data.",
            new AnomalyDetails(Values: listed, Observed: fraction, Limit: 0)));
    }

    private static void CheckRange(string split, string name, ValueRange range, NumericStatistics numeric, string schemaFile, List<Anomaly> anomalies)
    {
        var below = range.Min is { } low && numeric.Min < low;
        var above = range.Max is { } high && numeric.Max > high;
        if (!below && !above)
        {
            return;
        }

        var expected = $"[{(range.Min is { } a ? Number(a) : "-inf")}, {(range.Max is { } b ? Number(b) : "+inf")}]";
        var actual = $"[{Number(numeric.Min)}, {Number(numeric.Max)}]";
        var side = below && above ? "below and above" : below ? "below" : "above";
        anomalies.Add(Error(split, name, AnomalyKind.ValueOutOfRange,
            $"Column '{name}' in split '{split}' has values {side} the schema range {expected}: its values span {actual}. Fix: correct the source data (units, sentinel values such as -1 or 9999), or widen range for '{name}' in {schemaFile}.",
            new AnomalyDetails(Observed: below ? numeric.Min : numeric.Max, Limit: below ? range.Min : range.Max, Expected: expected, Actual: actual)));
    }

    private static void CheckUnexpectedColumns(SplitStatistics split, DataSchema schema, string schemaFile, List<Anomaly> anomalies)
    {
        foreach (var f in split.Features)
        {
            if (schema.FindFeature(f.Name) is null)
            {
                anomalies.Add(new Anomaly(split.Name, f.Name, AnomalyKind.UnexpectedColumn, AnomalySeverity.Warning,
                    $"Column '{f.Name}' in split '{split.Name}' is not in the schema, so it is not validated. Fix: if it is expected, add it to {schemaFile} (or set \"skip\": true); otherwise drop it upstream.",
                    new AnomalyDetails(Actual: KindName(f.Kind))));
            }
        }
    }

    private static void CheckLabel(SplitStatistics split, DataSchema schema, string schemaFile, HashSet<string> usable, List<Anomaly> anomalies)
    {
        if (schema.LabelColumn is not { } label || !usable.Contains(label) || split.FindFeature(label) is not { } labelStats)
        {
            return;
        }

        var single = labelStats.Text is { Distinct: 1 } t ? $"'{t.TopValues[0].Value}'"
            : labelStats.Numeric is { } n && n.Min == n.Max ? Number(n.Min)
            : null;
        if (single is not null)
        {
            anomalies.Add(schema.Task == LearningTask.Classification
                ? Error(split.Name, label, AnomalyKind.SingleClassSplit,
                    $"The label '{label}' has a single class ({single}) in split '{split.Name}'; a classifier cannot learn from or be evaluated on one class. Fix: check the label values and the split (more data, a different split ratio or partition key).",
                    new AnomalyDetails(Observed: 1, Actual: single))
                : Error(split.Name, label, AnomalyKind.ConstantLabel,
                    $"The label '{label}' is constant ({single}) in split '{split.Name}'; there is nothing to learn or evaluate. Fix: check the label column in the source data and the split.",
                    new AnomalyDetails(Actual: single)));
        }

        foreach (var f in split.Features)
        {
            if (f.Name == label || schema.FindFeature(f.Name) is { Skip: true } || !SameDistribution(labelStats, f))
            {
                continue;
            }

            anomalies.Add(new Anomaly(split.Name, f.Name, AnomalyKind.LabelLeakage, AnomalySeverity.Warning,
                $"Column '{f.Name}' in split '{split.Name}' has exactly the statistics of the label '{label}' (same missing count and same counts per value); it may be a copy or re-encoding of the label, which leaks the answer into training. Fix: drop it before training, or set \"skip\": true for it in {schemaFile} if the match is a coincidence. (Found from statistics alone: a renamed copy is caught, a noisy copy is not.)",
                new AnomalyDetails(Expected: label, Actual: f.Name)));
        }
    }

    private static bool SameDistribution(FeatureStatistics label, FeatureStatistics other)
    {
        if (label.Missing != other.Missing || label.Count != other.Count)
        {
            return false;
        }

        if (label.Text is { Distinct: >= 2, ValueCounts: { } a } && other.Text is { ValueCounts: { } b } && a.Count == b.Count)
        {
            // Value counts are ordered by count, so equal count multisets line up position by position.
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i].Count != b[i].Count)
                {
                    return false;
                }
            }

            return true;
        }

        return label.Numeric is { } x && other.Numeric is { } y && x.Min != x.Max
            && x.Min == y.Min && x.Max == y.Max && x.Mean == y.Mean && x.StdDev == y.StdDev
            && x.Quantiles.SequenceEqual(y.Quantiles)
            && x.Histogram.Select(h => h.Count).SequenceEqual(y.Histogram.Select(h => h.Count));
    }

    // Total rows over all splits: the constraint guards against a truncated or duplicated input, a property of the whole input;
    // per split it would also fire on a changed split configuration, be noisier on small splits, and repeat one cause per split.
    private static void CheckSize(DatasetStatistics statistics, DatasetStatistics baseline, DatasetConstraints constraints, string since, string schemaFile, List<Anomaly> anomalies)
    {
        var rows = statistics.Splits.Sum(s => s.RowCount);
        var baseRows = baseline.Splits.Sum(s => s.RowCount);
        var delta = Math.Abs(rows - baseRows);
        var relative = baseRows > 0 ? (double)delta / baseRows : delta > 0 ? double.PositiveInfinity : 0;
        var relativeExceeded = constraints.MaxRelativeSizeChange is { } maxRelative && relative > maxRelative;
        var absoluteExceeded = constraints.MaxAbsoluteSizeChange is { } maxAbsolute && delta > maxAbsolute;
        if (!relativeExceeded && !absoluteExceeded)
        {
            return;
        }

        var limits = string.Join(", ", new[]
        {
            constraints.MaxRelativeSizeChange is { } r ? $"maxRelativeSizeChange {Number(r)}" : null,
            constraints.MaxAbsoluteSizeChange is { } m ? $"maxAbsoluteSizeChange {m}" : null,
        }.Where(s => s is not null));
        var sign = rows >= baseRows ? "+" : "-";
        anomalies.Add(Error(Anomaly.DatasetSplit, null, AnomalyKind.DatasetSizeChange,
            $"The dataset has {rows} rows ({SplitRows(statistics)}), {baseRows} ({SplitRows(baseline)}) {since}: a change of {sign}{delta} rows ({sign}{Percent(relative)}), beyond the dataset constraints ({limits}). Fix: check the input for truncation or duplication; if the change is expected, raise datasetConstraints in {schemaFile}.",
            relativeExceeded
                ? new AnomalyDetails(Observed: relative, Limit: constraints.MaxRelativeSizeChange, Expected: baseRows.ToString(CultureInfo.InvariantCulture), Actual: rows.ToString(CultureInfo.InvariantCulture))
                : new AnomalyDetails(Observed: delta, Limit: constraints.MaxAbsoluteSizeChange, Expected: baseRows.ToString(CultureInfo.InvariantCulture), Actual: rows.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// An inferred schema describes the data it validates, so a column that disappeared or changed kind since the baseline
    /// passes its checks: compare the columns with the baseline's instead (a curated schema checks its own columns).
    /// </summary>
    private static void CheckColumnsAgainstBaseline(SplitStatistics split, SplitStatistics baseline, string since, string schemaFile, List<Anomaly> anomalies)
    {
        foreach (var before in baseline.Features)
        {
            var now = split.FindFeature(before.Name);
            if (now is null)
            {
                anomalies.Add(Error(split.Name, before.Name, AnomalyKind.MissingColumn,
                    $"Column '{before.Name}' ({KindName(before.Kind)}) was in the data {since} and is not in split '{split.Name}' now. Fix: check the input for a dropped or renamed column; if the change is intended, curate {schemaFile} (export-schema) so the schema, not the previous data, says which columns to expect.",
                    new AnomalyDetails(Expected: KindName(before.Kind), Actual: "absent")));
            }
            else if (now.Kind != before.Kind)
            {
                anomalies.Add(Error(split.Name, before.Name, AnomalyKind.TypeMismatch,
                    $"Column '{before.Name}' is {KindName(now.Kind)} in split '{split.Name}' and was {KindName(before.Kind)} {since} (e.g. numbers now written with text in them). Fix: check the input's values and format for that column; if the change is intended, curate {schemaFile} (export-schema).",
                    new AnomalyDetails(Expected: KindName(before.Kind), Actual: KindName(now.Kind))));
            }
        }
    }

    private static string SplitRows(DatasetStatistics statistics) =>
        string.Join(", ", statistics.Splits.Select(s => $"{s.Name} {s.RowCount}"));

    /// <summary>What a distribution comparison reports: drift (vs the baseline span) or skew (vs served requests).</summary>
    /// <param name="Kind">The anomaly kind.</param>
    /// <param name="Thresholds">The thresholds of a feature.</param>
    /// <param name="What">The finding, e.g. "drifted since the baseline".</param>
    /// <param name="Fix">How to fix; {0} = the threshold name, {1} = the column.</param>
    /// <param name="ShareChange">Describes a category share's change: {0} = in the other statistics, {1} = in these.</param>
    /// <param name="ValueChange">Describes a mean's or median's change, likewise.</param>
    private sealed record Comparison(
        AnomalyKind Kind, Func<FeatureSchema, DriftThresholds?> Thresholds, string What, string Fix, string ShareChange = "went from {0} to {1}", string ValueChange = "{0} -> {1}");

    private static void Compare(SplitStatistics split, SplitStatistics other, DataSchema schema, HashSet<string> usable, List<Anomaly> anomalies, Comparison comparison)
    {
        foreach (var expected in schema.Features)
        {
            if (expected.Skip || comparison.Thresholds(expected) is not { } thresholds || !usable.Contains(expected.Name)
                || split.FindFeature(expected.Name) is not { } current || other.FindFeature(expected.Name) is not { } previous
                || current.Kind != previous.Kind)
            {
                continue;
            }

            var name = expected.Name;
            if (thresholds.LInfinity is { } limit && current.Text?.ValueCounts is { } now && previous.Text?.ValueCounts is { } then)
            {
                var distance = DriftDistance.LInfinity(now, then, out var worst);
                if (distance > limit)
                {
                    var shareNow = Share(now, worst);
                    var shareThen = Share(then, worst);
                    anomalies.Add(Error(split.Name, name, comparison.Kind,
                        $"Column '{name}' in split '{split.Name}' {comparison.What}: L-infinity distance {Number(distance)} exceeds the threshold {Number(limit)}; the share of '{worst}' {string.Format(CultureInfo.InvariantCulture, comparison.ShareChange, Percent(shareThen), Percent(shareNow))}. Fix: {string.Format(CultureInfo.InvariantCulture, comparison.Fix, "lInfinity", name)}.",
                        new AnomalyDetails(Values: now.Where(v => v.Value == worst).ToList(), Observed: distance, Limit: limit,
                            Expected: $"'{worst}': {Percent(shareThen)}", Actual: $"'{worst}': {Percent(shareNow)}")));
                }
            }

            if (thresholds.JensenShannon is { } jsLimit && current.Numeric is { } x && previous.Numeric is { } y)
            {
                var divergence = DriftDistance.JensenShannon(x.Histogram, y.Histogram);
                if (divergence > jsLimit)
                {
                    anomalies.Add(Error(split.Name, name, comparison.Kind,
                        $"Column '{name}' in split '{split.Name}' {comparison.What}: Jensen-Shannon divergence {Number(divergence)} exceeds the threshold {Number(jsLimit)} (mean {string.Format(CultureInfo.InvariantCulture, comparison.ValueChange, Number(y.Mean), Number(x.Mean))}, median {string.Format(CultureInfo.InvariantCulture, comparison.ValueChange, Number(y.Median), Number(x.Median))}). Fix: {string.Format(CultureInfo.InvariantCulture, comparison.Fix, "jensenShannon", name)}.",
                        new AnomalyDetails(Observed: divergence, Limit: jsLimit,
                            Expected: $"mean {Number(y.Mean)}, median {Number(y.Median)}", Actual: $"mean {Number(x.Mean)}, median {Number(x.Median)}")));
                }
            }
        }
    }

    private static string? TypeProblem(FeatureType expected, FeatureStatistics actual) => (expected, actual.Kind) switch
    {
        (FeatureType.String, ColumnKind.Text) => null,
        (FeatureType.Timestamp, ColumnKind.Timestamp) => null,
        (FeatureType.Float, ColumnKind.Numeric) => null,
        (FeatureType.Int, ColumnKind.Numeric) => actual.Numeric is { IsInteger: false } n
            ? $"fractional (e.g. between {Number(n.Min)} and {Number(n.Max)}, not all whole numbers)"
            : null,
        (_, var kind) => KindName(kind),
    };

    private static double Share(IReadOnlyList<ValueCount> counts, string? value)
    {
        var total = counts.Sum(c => c.Count);
        return total == 0 ? 0 : (double)counts.Where(c => c.Value == value).Sum(c => c.Count) / total;
    }

    private static Anomaly Error(string split, string? column, AnomalyKind kind, string message, AnomalyDetails? details = null) =>
        new(split, column, kind, AnomalySeverity.Error, message, details);

    private static string TypeName(FeatureType type) => type switch
    {
        FeatureType.Int => "int",
        FeatureType.Float => "float",
        FeatureType.String => "string",
        _ => "timestamp",
    };

    private static string KindName(ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => "numeric",
        ColumnKind.Text => "text",
        _ => "timestamp",
    };

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
