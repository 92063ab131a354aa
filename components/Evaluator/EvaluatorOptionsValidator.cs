namespace Pipelines.Components;

/// <summary>Checks <see cref="EvaluatorOptions"/> when the pipeline is defined, so a typo in a metric name fails at once
/// instead of silently never blessing.</summary>
public static class EvaluatorOptionsValidator
{
    /// <summary>Every problem, one phrase each naming the option; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(EvaluatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.EvalSplit))
        {
            problems.Add("EvalSplit is empty.");
        }

        if (options.MinSliceSize < 0)
        {
            problems.Add($"MinSliceSize is {options.MinSliceSize}; it must be 0 or more.");
        }

        if (options.NdcgAt < 1)
        {
            problems.Add($"NdcgAt is {options.NdcgAt}; it must be 1 or more.");
        }

        if (options.ExplainMaxRows < 0 || options.ContributionRows < 0 || options.PermutationRepeats < 1)
        {
            problems.Add("ExplainMaxRows and ContributionRows must be 0 or more, PermutationRepeats 1 or more.");
        }

        if (options.Task == EvaluationTask.Ranking && options.GroupColumn is null)
        {
            problems.Add("Task is Ranking but GroupColumn is not set.");
        }

        if (options.ImportanceMetric is { } im && !MetricNames.IsKnown(im))
        {
            problems.Add($"ImportanceMetric: {Unknown(im)}");
        }

        var sliceColumns = options.SliceColumns.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < options.Thresholds.Count; i++)
        {
            var t = options.Thresholds[i];
            var where = $"Thresholds[{i}] ({t.Metric})";
            if (!MetricNames.IsKnown(t.Metric))
            {
                problems.Add($"{where}: {Unknown(t.Metric)}");
            }

            if (t.Lower is null && t.Upper is null)
            {
                problems.Add($"{where}: neither Lower nor Upper is set.");
            }

            if (t.Lower is { } lo && t.Upper is { } hi && lo > hi)
            {
                problems.Add($"{where}: Lower {lo} is above Upper {hi}.");
            }

            if (BadNumber(t.Lower) || BadNumber(t.Upper))
            {
                problems.Add($"{where}: bounds must be finite numbers.");
            }

            CheckSlice(where, t.Slice, sliceColumns, problems);
        }

        for (var i = 0; i < options.ChangeThresholds.Count; i++)
        {
            var t = options.ChangeThresholds[i];
            var where = $"ChangeThresholds[{i}] ({t.Metric})";
            if (!MetricNames.IsKnown(t.Metric))
            {
                problems.Add($"{where}: {Unknown(t.Metric)}");
            }

            if (t.MaxAbsoluteDegradation is null && t.MaxRelativeDegradation is null)
            {
                problems.Add($"{where}: neither MaxAbsoluteDegradation nor MaxRelativeDegradation is set.");
            }

            if (BadNumber(t.MaxAbsoluteDegradation) || BadNumber(t.MaxRelativeDegradation))
            {
                problems.Add($"{where}: bounds must be finite numbers.");
            }

            if (MetricNames.IsKnown(t.Metric) && !t.Metric.Contains('[', StringComparison.Ordinal)
                && MetricNames.IsLowerBetter(t.Metric) != (t.Direction == ChangeDirection.LowerIsBetter))
            {
                problems.Add($"{where}: Direction {t.Direction} contradicts the metric ({t.Metric} is {(MetricNames.IsLowerBetter(t.Metric) ? "lower" : "higher")} is better).");
            }

            CheckSlice(where, t.Slice, sliceColumns, problems);
        }

        for (var i = 0; i < options.SliceGapThresholds.Count; i++)
        {
            var t = options.SliceGapThresholds[i];
            var where = $"SliceGapThresholds[{i}] ({t.Metric}, {t.SliceColumn})";
            if (!MetricNames.IsKnown(t.Metric))
            {
                problems.Add($"{where}: {Unknown(t.Metric)}");
            }

            if (!sliceColumns.Contains(t.SliceColumn))
            {
                problems.Add($"{where}: '{t.SliceColumn}' is not in SliceColumns ({string.Join(", ", options.SliceColumns)}); add it there.");
            }

            if (!(t.MaxGap >= 0) || double.IsInfinity(t.MaxGap))
            {
                problems.Add($"{where}: MaxGap must be a finite number, 0 or more.");
            }
        }

        return problems;
    }

    private static void CheckSlice(string where, string? slice, HashSet<string> sliceColumns, List<string> problems)
    {
        if (slice is null || slice == SliceEvaluation.OverallName)
        {
            return;
        }

        var eq = slice.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            problems.Add($"{where}: Slice '{slice}' must be null, 'overall', 'column=value' or 'column=*'.");
        }
        else if (!sliceColumns.Contains(slice[..eq]))
        {
            problems.Add($"{where}: Slice '{slice}' is on column '{slice[..eq]}', which is not in SliceColumns; add it there.");
        }
    }

    private static bool BadNumber(double? value) => value is { } v && !double.IsFinite(v);

    private static string Unknown(string metric) =>
        $"unknown metric '{metric}'. Known: {string.Join(", ", Enum.GetValues<EvaluationTask>().SelectMany(t => MetricNames.For(t)).Where(m => !m.StartsWith(MetricNames.Ndcg, StringComparison.Ordinal)).Distinct())}, NDCG, NDCG@k, Precision[class], Recall[class].";
}
