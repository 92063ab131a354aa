using System.Globalization;

namespace Pipelines.Components;

/// <summary>
/// Decides the blessing from the evaluated slices and the configured thresholds (TFX's model validation, DN-7 semantics):
/// value thresholds are inclusive bounds; change thresholds compare with the baseline and are skipped without one (the first
/// run); slice gaps compare the slices of a column that have at least MinSliceSize rows; a metric that cannot be computed,
/// or a slice with fewer than MinSliceSize rows, fails its threshold with the reason; a model is blessed only when at least
/// one threshold is configured and none failed.
/// </summary>
public static class BlessingJudge
{
    /// <summary>Judges every configured threshold.</summary>
    /// <param name="options">The thresholds, <see cref="EvaluatorOptions.MinSliceSize"/> and <see cref="EvaluatorOptions.NdcgAt"/>.</param>
    /// <param name="task">The task (resolves metric names and aliases).</param>
    /// <param name="slices">The evaluated slices, <c>overall</c> first.</param>
    /// <param name="warnings">The evaluation's warnings: the reasons of undefined metrics.</param>
    /// <param name="baselineModelId">The baseline model, or null on a first run.</param>
    /// <param name="baselineProblem">Why the baseline could not be evaluated, or null.</param>
    public static BlessingDecision Judge(
        EvaluatorOptions options,
        EvaluationTask task,
        IReadOnlyList<SliceEvaluation> slices,
        IReadOnlyList<EvaluationWarning> warnings,
        long? baselineModelId,
        string? baselineProblem = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(warnings);
        var judge = new Judgement(options, task, slices, warnings, baselineModelId, baselineProblem);
        if (!options.HasThresholds)
        {
            judge.Notes.Add("No threshold is configured, so the model is not blessed: a model is only blessed against at least one threshold (as in TFX). Set EvaluatorOptions.Thresholds, ChangeThresholds or SliceGapThresholds.");
            return new BlessingDecision(false, [], judge.Notes);
        }

        foreach (var t in options.Thresholds)
        {
            judge.Value(t);
        }

        if (options.ChangeThresholds.Count > 0 && baselineModelId is null)
        {
            judge.Notes.Add($"No baseline model (no live model blessed by this Evaluator before: the first run, or every blessed model was retired since, e.g. its files changed): {options.ChangeThresholds.Count} change threshold(s) skipped; the model is judged on its value and slice-gap thresholds only.");
        }

        foreach (var t in options.ChangeThresholds)
        {
            judge.Change(t);
        }

        foreach (var t in options.SliceGapThresholds)
        {
            judge.Gap(t);
        }

        var blessed = judge.Results.All(r => r.Outcome != ThresholdOutcome.Failed);
        var failed = judge.Results.Count(r => r.Outcome == ThresholdOutcome.Failed);
        var skipped = judge.Results.Count(r => r.Outcome == ThresholdOutcome.Skipped);
        judge.Notes.Insert(0, blessed
            ? $"Blessed: {judge.Results.Count - skipped} threshold check(s) passed{(skipped > 0 ? $", {skipped} skipped" : "")}."
            : $"Not blessed: {failed} of {judge.Results.Count} threshold check(s) failed.");
        return new BlessingDecision(blessed, judge.Results, judge.Notes);
    }

    // Differences are computed by subtraction: 0.80 - 0.79 is 0.010000000000000009, which must still satisfy "at most 0.01".
    private const double Tolerance = 1e-9;

    internal static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private sealed class Judgement(
        EvaluatorOptions options,
        EvaluationTask task,
        IReadOnlyList<SliceEvaluation> slices,
        IReadOnlyList<EvaluationWarning> warnings,
        long? baselineModelId,
        string? baselineProblem)
    {
        public List<ThresholdResult> Results { get; } = [];

        public List<string> Notes { get; } = [];

        public void Value(MetricThreshold t)
        {
            var bounds = $"[{(t.Lower is { } lo ? Number(lo) : "-inf")}, {(t.Upper is { } hi ? Number(hi) : "+inf")}]";
            if (!TryResolve(ThresholdKind.Value, t.Metric, t.Slice, out var metric, out var targets))
            {
                return;
            }

            foreach (var slice in targets)
            {
                if (IsSmall(slice, ThresholdKind.Value, metric, IsWildcard(t.Slice), targets, lower: t.Lower, upper: t.Upper))
                {
                    continue;
                }

                var value = slice.Candidate.Get(metric);
                if (value is not { } v)
                {
                    Fail(ThresholdKind.Value, metric, slice.Name,
                        $"{metric} on {slice.Name} cannot be checked against {bounds}: {Reason(metric, slice, SliceMetrics.CandidateRole)}",
                        lower: t.Lower, upper: t.Upper);
                    continue;
                }

                // Inclusive, up to rounding: a macro average of 0.7, 0.8 and 0.9 is 0.7999999999999999, which meets "at least 0.8".
                var below = t.Lower is { } l && v < l - Tolerance;
                var above = t.Upper is { } u && v > u + Tolerance;
                var message = below ? $"{metric} on {slice.Name} = {Number(v)} is below the lower bound {Number(t.Lower!.Value)} (threshold {bounds}, inclusive)"
                    : above ? $"{metric} on {slice.Name} = {Number(v)} is above the upper bound {Number(t.Upper!.Value)} (threshold {bounds}, inclusive)"
                    : $"{metric} on {slice.Name} = {Number(v)} is within {bounds}";
                Results.Add(new ThresholdResult(ThresholdKind.Value, metric, slice.Name, below || above ? ThresholdOutcome.Failed : ThresholdOutcome.Passed,
                    message, v, t.Lower, t.Upper));
            }
        }

        public void Change(ChangeThreshold t)
        {
            if (!TryResolve(ThresholdKind.Change, t.Metric, t.Slice, out var metric, out var targets))
            {
                return;
            }

            var allowed = string.Join(" and ", new[]
            {
                t.MaxAbsoluteDegradation is { } a ? $"at most {Number(a)} absolute" : null,
                t.MaxRelativeDegradation is { } r ? $"at most {Number(r * 100)}% relative" : null,
            }.Where(s => s is not null));
            var worse = t.Direction == ChangeDirection.HigherIsBetter ? "a drop" : "a rise";
            foreach (var slice in targets)
            {
                if (baselineModelId is null)
                {
                    Results.Add(new ThresholdResult(ThresholdKind.Change, metric, slice.Name, ThresholdOutcome.Skipped,
                        $"{metric} on {slice.Name}: change threshold skipped, there is no baseline model (first run)",
                        slice.Candidate.Get(metric), Upper: t.MaxAbsoluteDegradation, MaxRelativeDegradation: t.MaxRelativeDegradation));
                    continue;
                }

                if (baselineProblem is not null)
                {
                    Fail(ThresholdKind.Change, metric, slice.Name,
                        $"{metric} on {slice.Name} cannot be compared with baseline model {baselineModelId}: {baselineProblem}",
                        slice.Candidate.Get(metric), upper: t.MaxAbsoluteDegradation, maxRelative: t.MaxRelativeDegradation);
                    continue;
                }

                if (IsSmall(slice, ThresholdKind.Change, metric, IsWildcard(t.Slice), targets, upper: t.MaxAbsoluteDegradation, maxRelative: t.MaxRelativeDegradation))
                {
                    continue;
                }

                var candidate = slice.Candidate.Get(metric);
                var baseline = slice.Baseline?.Get(metric);
                if (candidate is not { } c || baseline is not { } b)
                {
                    var reason = candidate is null
                        ? Reason(metric, slice, SliceMetrics.CandidateRole)
                        : Reason(metric, slice, SliceMetrics.BaselineRole);
                    Fail(ThresholdKind.Change, metric, slice.Name,
                        $"{metric} on {slice.Name} cannot be compared with baseline model {baselineModelId}: {reason}",
                        candidate, upper: t.MaxAbsoluteDegradation, baseline: baseline, maxRelative: t.MaxRelativeDegradation);
                    continue;
                }

                var degradation = t.Direction == ChangeDirection.HigherIsBetter ? b - c : c - b;
                var relative = b != 0 ? degradation / Math.Abs(b) : degradation > 0 ? double.PositiveInfinity : degradation < 0 ? double.NegativeInfinity : 0;
                var absoluteFails = t.MaxAbsoluteDegradation is { } maxAbs && degradation > maxAbs + Tolerance;
                var relativeFails = t.MaxRelativeDegradation is { } maxRel && relative > maxRel + Tolerance;
                var change = $"{metric} on {slice.Name} went from {Number(b)} (baseline model {baselineModelId}) to {Number(c)}: a degradation of {Number(degradation)} ({Number(relative * 100)}% relative; {worse} is worse)";
                var message = absoluteFails || relativeFails
                    ? $"{change}, beyond the allowed {allowed}"
                    : $"{change}, within the allowed {allowed}";
                Results.Add(new ThresholdResult(ThresholdKind.Change, metric, slice.Name,
                    absoluteFails || relativeFails ? ThresholdOutcome.Failed : ThresholdOutcome.Passed,
                    message, c, Upper: t.MaxAbsoluteDegradation, BaselineValue: b, MaxRelativeDegradation: t.MaxRelativeDegradation));
            }
        }

        public void Gap(SliceGapThreshold t)
        {
            var sliceName = $"{t.SliceColumn}=*";
            var metric = MetricNames.Resolve(task, t.Metric, options.NdcgAt);
            if (metric is null)
            {
                Fail(ThresholdKind.SliceGap, t.Metric, sliceName, NotComputed(t.Metric));
                return;
            }

            var ofColumn = slices.Where(s => s.Column == t.SliceColumn).ToList();
            if (ofColumn.Count == 0)
            {
                Fail(ThresholdKind.SliceGap, metric, sliceName,
                    $"{metric} gap across {t.SliceColumn} slices cannot be checked: '{t.SliceColumn}' is not a slice column (add it to EvaluatorOptions.SliceColumns)",
                    upper: t.MaxGap);
                return;
            }

            var eligible = ofColumn.Where(s => s.ExampleCount >= options.MinSliceSize).ToList();
            var small = ofColumn.Count - eligible.Count;
            var smallNote = small > 0 ? $"; {small} slice(s) with fewer than {options.MinSliceSize} rows left out" : "";
            var undefined = eligible.FirstOrDefault(s => s.Candidate.Get(metric) is null);
            if (undefined is not null)
            {
                Fail(ThresholdKind.SliceGap, metric, sliceName,
                    $"{metric} gap across {t.SliceColumn} slices cannot be checked: {Reason(metric, undefined, SliceMetrics.CandidateRole)}",
                    upper: t.MaxGap);
                return;
            }

            if (eligible.Count < 2)
            {
                Results.Add(new ThresholdResult(ThresholdKind.SliceGap, metric, sliceName, ThresholdOutcome.Skipped,
                    $"{metric} gap across {t.SliceColumn} slices: fewer than two slices have at least {options.MinSliceSize} rows, nothing to compare{smallNote}",
                    Upper: t.MaxGap));
                return;
            }

            var best = eligible.MaxBy(s => s.Candidate.Get(metric)!.Value)!;
            var worst = eligible.MinBy(s => s.Candidate.Get(metric)!.Value)!;
            var gap = best.Candidate.Get(metric)!.Value - worst.Candidate.Get(metric)!.Value;
            var fails = gap > t.MaxGap + Tolerance;
            var detail = $"{metric} gap across {t.SliceColumn} slices = {Number(gap)} (highest {best.Name} {Number(best.Candidate.Get(metric)!.Value)}, lowest {worst.Name} {Number(worst.Candidate.Get(metric)!.Value)})";
            Results.Add(new ThresholdResult(ThresholdKind.SliceGap, metric, sliceName, fails ? ThresholdOutcome.Failed : ThresholdOutcome.Passed,
                fails ? $"{detail}, more than the allowed {Number(t.MaxGap)}{smallNote}" : $"{detail}, within the allowed {Number(t.MaxGap)}{smallNote}",
                gap, Upper: t.MaxGap));
        }

        private bool TryResolve(ThresholdKind kind, string requested, string? slice, out string metric, out List<SliceEvaluation> targets)
        {
            targets = [];
            var resolved = MetricNames.Resolve(task, requested, options.NdcgAt);
            metric = resolved ?? requested;
            var sliceName = slice ?? SliceEvaluation.OverallName;
            if (resolved is null)
            {
                Fail(kind, requested, sliceName, NotComputed(requested));
                return false;
            }

            if (slice is null || slice == SliceEvaluation.OverallName)
            {
                targets.Add(slices[0]);
                return true;
            }

            var eq = slice.IndexOf('=', StringComparison.Ordinal);
            var column = eq > 0 ? slice[..eq] : slice;
            if (eq > 0 && slice[(eq + 1)..] == "*")
            {
                targets.AddRange(slices.Where(s => s.Column == column));
                if (targets.Count == 0)
                {
                    Fail(kind, metric, slice, $"{metric} on {slice} cannot be checked: '{column}' is not a slice column (add it to EvaluatorOptions.SliceColumns)");
                    return false;
                }

                return true;
            }

            var match = slices.FirstOrDefault(s => s.Name == slice);
            if (match is null)
            {
                Fail(kind, metric, slice, slices.Any(s => s.Column == column)
                    ? $"{metric} on {slice} cannot be checked: the slice has no rows in the eval split"
                    : $"{metric} on {slice} cannot be checked: '{column}' is not a slice column (add it to EvaluatorOptions.SliceColumns; slices are named column=value)");
                return false;
            }

            targets.Add(match);
            return true;
        }

        /// <summary>
        /// Whether the slice has too few rows to judge. On <c>overall</c> or a named slice the threshold then fails with the
        /// SmallSlice warning's reason: a model is not blessed on a check that was never made. Of a <c>column=*</c> threshold's
        /// slices the small ones are left out with a note (one rare value would otherwise block every blessing), unless none
        /// of the column's slices is large enough: then the threshold fails on each.
        /// </summary>
        private bool IsSmall(SliceEvaluation slice, ThresholdKind kind, string metric, bool wildcard, IReadOnlyList<SliceEvaluation> targets,
            double? lower = null, double? upper = null, double? maxRelative = null)
        {
            if (slice.ExampleCount >= options.MinSliceSize)
            {
                return false;
            }

            var rows = slice.ExampleCount == 0 ? "no labelled rows" : $"{slice.ExampleCount} labelled rows, fewer than MinSliceSize {options.MinSliceSize} (warning SmallSlice)";
            if (wildcard && targets.Any(s => s.ExampleCount >= options.MinSliceSize))
            {
                Results.Add(new ThresholdResult(kind, metric, slice.Name, ThresholdOutcome.Skipped,
                    $"{metric} on {slice.Name}: left out of the '{slice.Column}=*' threshold, the slice has {rows}",
                    slice.Candidate.Get(metric), lower, upper, MaxRelativeDegradation: maxRelative));
                return true;
            }

            var fix = wildcard
                ? $"No slice of '{slice.Column}' has {options.MinSliceSize} rows; lower EvaluatorOptions.MinSliceSize to judge them"
                : "Lower EvaluatorOptions.MinSliceSize to judge it, or set the threshold on a larger slice";
            Fail(kind, metric, slice.Name, $"{metric} on {slice.Name} cannot be checked: the slice has {rows}. {fix}",
                slice.Candidate.Get(metric), lower, upper, maxRelative: maxRelative);
            return true;
        }

        private static bool IsWildcard(string? slice) => slice is not null && slice.EndsWith("=*", StringComparison.Ordinal);

        private string Reason(string metric, SliceEvaluation slice, string role)
        {
            var warning = warnings.FirstOrDefault(w => w.Kind == EvaluationWarningKind.MetricUndefined
                && w.Slice == slice.Name && string.Equals(w.Metric, metric, StringComparison.Ordinal) && w.Model == role);
            if (warning is not null)
            {
                return warning.Message;
            }

            var metrics = role == SliceMetrics.BaselineRole ? slice.Baseline : slice.Candidate;
            if (metrics is null)
            {
                return $"the {role} model has no metrics on slice '{slice.Name}'";
            }

            if (!metrics.Values.ContainsKey(metric))
            {
                return MetricNames.TryParsePerClass(metric, out _, out var cls)
                    ? $"the {role} model knows no class '{cls}' and the slice has none (classes: {string.Join(", ", metrics.Classes?.Select(c => c.Class) ?? [])})"
                    : $"the {role} model has no metric {metric} on slice '{slice.Name}'";
            }

            if (MetricNames.TryParsePerClass(metric, out var kind, out var className))
            {
                return SliceMetrics.UndefinedMessage(metric, role, slice.Name, kind == MetricNames.Precision
                    ? $"the model predicts no row of the slice as '{className}'"
                    : $"the slice has no row of class '{className}'");
            }

            return SliceMetrics.UndefinedMessage(metric, role, slice.Name, "it cannot be computed on this slice");
        }

        private string NotComputed(string metric) =>
            $"metric '{metric}' is not computed for task {task} (available: {string.Join(", ", MetricNames.For(task, options.NdcgAt))}{(task == EvaluationTask.MulticlassClassification ? ", Accuracy, Precision[class], Recall[class]" : "")})";

        private void Fail(ThresholdKind kind, string metric, string slice, string message, double? value = null, double? lower = null, double? upper = null,
            double? baseline = null, double? maxRelative = null) =>
            Results.Add(new ThresholdResult(kind, metric, slice, ThresholdOutcome.Failed, message, value, lower, upper, baseline, maxRelative));
    }
}
