using System.Text;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>Runs <see cref="Evaluator"/>: scores the eval split with the candidate (and the baseline), computes metrics per
/// slice, judges the thresholds, explains the candidate, and writes the evaluation and the blessing.</summary>
public sealed class EvaluatorExecutor : IExecutor<EvaluatorOptions>
{
    /// <summary>The marker file of a blessed model.</summary>
    public const string BlessedFileName = "BLESSED";

    /// <summary>The marker file of a model that is not blessed.</summary>
    public const string NotBlessedFileName = "NOT_BLESSED";

    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, EvaluatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var examples = context.Input<Examples>(Evaluator.ExamplesPort);
        var model = context.Input<Model>(Evaluator.ModelPort);
        var baselineModel = context.OptionalInput<Model>(Evaluator.BaselineModelPort);
        var task = ResolveTask(options, model);
        var label = options.LabelColumn ?? model.GetString("label")
            ?? throw new DataValidationException($"Model artifact {model.Id} has no 'label' property; set EvaluatorOptions.LabelColumn to the label column.");
        var groupColumn = options.GroupColumn ?? model.GetString("group");
        if (task == EvaluationTask.Ranking && groupColumn is null)
        {
            throw new DataValidationException($"Ranking evaluation needs the group (query) column: set EvaluatorOptions.GroupColumn (model artifact {model.Id} has no 'group' property).");
        }

        var spec = new ScoringSpec(task, label, groupColumn, options.PositiveClass ?? model.GetString("positive_class"),
            options.PositiveAbove ?? model.GetDouble("positive_above"));
        var warnings = new List<EvaluationWarning>();

        // The candidate is loaded (and its compiled trees checked) while the eval split is read.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var loading = Task.Run(() => ModelScorer.Load(model, spec, SliceMetrics.CandidateRole), cancellationToken);
        ColumnarTable table;
        try
        {
            table = await LoadSplitAsync(examples, options.EvalSplit, options.SliceColumns, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ((Task)loading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        var candidateScorer = await loading.ConfigureAwait(false);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var candidate = candidateScorer.Score(table);
        context.Log($"Read the eval split and loaded the candidate in {loadSeconds:0.00} s; scored {table.RowCount} rows in {clock.Elapsed.TotalSeconds - loadSeconds:0.00} s with {candidate.ScoredBy}.");
        AddLabelWarnings(candidate, table.RowCount, label, SliceMetrics.CandidateRole, warnings);

        Predictions? baseline = null;
        string? baselineProblem = null;
        if (baselineModel is not null)
        {
            (baseline, baselineProblem) = ScoreBaseline(baselineModel, task, spec, table, warnings);
        }

        clock.Restart();
        var slices = Slicer.Build(table, options.SliceColumns, warnings);
        // Slices are independent: computed on all cores, their warnings kept in slice order.
        var computed = new (SliceEvaluation Evaluation, List<EvaluationWarning> Warnings)[slices.Count];
        Parallel.For(0, slices.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var slice = slices[i];
            var local = new List<EvaluationWarning>();
            var small = slice.Column is not null && slice.Rows.Length < options.MinSliceSize;

            // Undefined metrics of small slices are expected noise: the SmallSlice warning covers them.
            var sliceWarnings = small ? null : local;
            var candidateMetrics = SliceMetrics.Compute(candidate, slice.Rows, options.NdcgAt, slice.Name, SliceMetrics.CandidateRole, sliceWarnings, out var count);
            var baselineMetrics = baseline is null ? null
                : SliceMetrics.Compute(baseline, slice.Rows, options.NdcgAt, slice.Name, SliceMetrics.BaselineRole, sliceWarnings, out _);
            if (count < options.MinSliceSize)
            {
                local.Add(new EvaluationWarning(EvaluationWarningKind.SmallSlice,
                    $"Slice '{slice.Name}' has {count} labelled rows, fewer than MinSliceSize {options.MinSliceSize}: its metrics are reported, a threshold naming it fails, and 'column=*' thresholds and slice gaps leave it out.",
                    slice.Name));
            }

            computed[i] = (new SliceEvaluation(slice.Name, slice.Column, slice.Value, count, candidateMetrics, baselineMetrics), local);
        });

        var evaluated = new List<SliceEvaluation>(slices.Count);
        foreach (var (evaluation, sliceWarnings) in computed)
        {
            evaluated.Add(evaluation);
            warnings.AddRange(sliceWarnings);
        }

        var blessing = BlessingJudge.Judge(options, task, evaluated, warnings, baselineModel?.Id, baselineProblem);
        context.Log($"Metrics for {evaluated.Count} slice(s){(baseline is null ? "" : " (candidate and baseline)")} in {clock.Elapsed.TotalSeconds:0.00} s.");
        clock.Restart();

        FeatureImportance? importance = null;
        FeatureContributions? contributions = null;
        if (options.ExplainMaxRows > 0)
        {
            var gain = Explainer.Gain(candidateScorer);
            if (!gain.Available)
            {
                warnings.Add(new EvaluationWarning(EvaluationWarningKind.GainImportanceUnavailable, $"No GBDT gain importance: {gain.Reason}", Model: SliceMetrics.CandidateRole));
            }

            PermutationImportance? permutation;
            try
            {
                (permutation, contributions) = Explainer.Explain(candidateScorer, candidate, table, options, label, warnings, cancellationToken);
            }
            catch (DataValidationException e)
            {
                // The evaluation itself succeeded; an explanation that cannot be computed is a warning, not a failed node.
                permutation = null;
                warnings.Add(new EvaluationWarning(EvaluationWarningKind.ExplainabilityUnavailable, $"Feature importance and contributions failed: {e.Message}"));
            }

            importance = new FeatureImportance(permutation, gain);
            context.Log($"Explanations (importance, contributions) in {clock.Elapsed.TotalSeconds:0.00} s.");
        }

        var result = new EvaluationResult(task, label, options.EvalSplit, model.Id, baselineModel?.Id, table.RowCount, evaluated, warnings,
            blessing, importance, contributions);
        await WriteOutputsAsync(context, result, cancellationToken).ConfigureAwait(false);
        context.Log(result.FormatSummary());
    }

    private static EvaluationTask ResolveTask(EvaluatorOptions options, Model model)
    {
        if (options.Task is { } task)
        {
            return task;
        }

        var property = model.GetString("task");
        if (property is null)
        {
            throw new DataValidationException($"Model artifact {model.Id} has no 'task' property; set EvaluatorOptions.Task ({string.Join(", ", Enum.GetNames<EvaluationTask>())}).");
        }

        return Enum.TryParse<EvaluationTask>(property, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new DataValidationException($"Model artifact {model.Id} has task '{property}', which the Evaluator does not know ({string.Join(", ", Enum.GetNames<EvaluationTask>())}); set EvaluatorOptions.Task.");
    }

    private static async Task<ColumnarTable> LoadSplitAsync(Examples examples, string split, IReadOnlyList<string> sliceColumns, CancellationToken cancellationToken)
    {
        var directory = examples.SplitUri(split);
        if (!Directory.Exists(directory))
        {
            throw new DataValidationException(
                $"Examples artifact {examples.Id} has no split '{split}' (looked for '{directory}'). Splits: {string.Join(", ", examples.SplitNames)}. Set EvaluatorOptions.EvalSplit.");
        }

        var table = await ColumnarFormat.ReadAsync(directory, cancellationToken).ConfigureAwait(false);
        var missing = sliceColumns.Where(c => !table.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new DataValidationException(
                $"EvaluatorOptions.SliceColumns names column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} that split '{split}' of examples {examples.Id} does not have. Columns: {string.Join(", ", table.Columns.Select(c => c.Name))}.");
        }

        return table;
    }

    private static (Predictions? Predictions, string? Problem) ScoreBaseline(Model baselineModel, EvaluationTask task, ScoringSpec spec, ColumnarTable table, List<EvaluationWarning> warnings)
    {
        string problem;
        var baselineTask = baselineModel.GetString("task");
        if (baselineTask is not null && !string.Equals(baselineTask, task.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            problem = $"the baseline model {baselineModel.Id} is a {baselineTask} model, the candidate a {task} model";
        }
        else
        {
            try
            {
                var predictions = ModelScorer.Load(baselineModel, spec, SliceMetrics.BaselineRole).Score(table);
                AddLabelWarnings(predictions, table.RowCount, spec.LabelColumn, SliceMetrics.BaselineRole, warnings, onlyUnknown: true);
                return (predictions, null);
            }
            catch (DataValidationException e)
            {
                problem = $"the baseline model {baselineModel.Id} could not be evaluated on this eval split: {e.Message}";
            }
        }

        warnings.Add(new EvaluationWarning(EvaluationWarningKind.BaselineUnavailable, $"{problem}. Change thresholds fail until the baseline can be compared.", Model: SliceMetrics.BaselineRole));
        return (null, problem);
    }

    private static void AddLabelWarnings(Predictions predictions, int rowCount, string label, string role, List<EvaluationWarning> warnings, bool onlyUnknown = false)
    {
        if (!onlyUnknown && predictions.MissingLabels > 0)
        {
            warnings.Add(new EvaluationWarning(EvaluationWarningKind.MissingLabels,
                $"{predictions.MissingLabels} of {rowCount} eval rows have no label '{label}' and are left out of every metric."));
        }

        if (predictions.UnknownLabels.Count > 0)
        {
            var list = string.Join(", ", predictions.UnknownLabels.OrderByDescending(p => p.Value).Take(10).Select(p => $"'{p.Key}' ({p.Value})"));
            warnings.Add(new EvaluationWarning(EvaluationWarningKind.UnknownLabel,
                $"The {role} model never predicts label value(s) {list}: classes it did not see in training. Those rows count as errors, with probability 0 in the log-loss.",
                Model: role));
        }
    }

    private static async Task WriteOutputsAsync(ExecutorContext context, EvaluationResult result, CancellationToken cancellationToken)
    {
        var evaluation = context.Output<ModelEvaluation>(Evaluator.EvaluationPort);
        var blessing = context.Output<ModelBlessing>(Evaluator.BlessingPort);
        await result.SaveAsync(Path.Combine(evaluation.Uri, EvaluationResult.FileName), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(
            Path.Combine(blessing.Uri, result.Blessing.Blessed ? BlessedFileName : NotBlessedFileName),
            MarkerText(result), cancellationToken).ConfigureAwait(false);

        var blessed = result.Blessing.Blessed ? 1 : 0;
        context.SetOutputProperty(Evaluator.BlessingPort, LatestBlessedModelResolver.BlessedProperty, blessed);
        context.SetOutputProperty(Evaluator.BlessingPort, LatestBlessedModelResolver.ModelIdProperty, result.ModelId);
        context.SetOutputProperty(Evaluator.EvaluationPort, LatestBlessedModelResolver.BlessedProperty, blessed);
        context.SetOutputProperty(Evaluator.EvaluationPort, LatestBlessedModelResolver.ModelIdProperty, result.ModelId);
        context.SetOutputProperty(Evaluator.EvaluationPort, "task", result.Task.ToString());
        context.SetOutputProperty(Evaluator.EvaluationPort, "split", result.EvalSplit);
        if (result.BaselineModelId is { } baselineId)
        {
            context.SetOutputProperty(Evaluator.BlessingPort, "baseline_model_id", baselineId);
            context.SetOutputProperty(Evaluator.EvaluationPort, "baseline_model_id", baselineId);
        }
    }

    /// <summary>The marker file: a header, the notes, then one line per failed threshold.</summary>
    internal static string MarkerText(EvaluationResult result)
    {
        var text = new StringBuilder();
        var baseline = result.BaselineModelId is { } b ? $"baseline model {b}" : "no baseline model";
        text.AppendLine($"{(result.Blessing.Blessed ? "BLESSED" : "NOT BLESSED")}: model {result.ModelId} ({result.Task}, split '{result.EvalSplit}', {baseline})");
        foreach (var note in result.Blessing.Notes)
        {
            text.AppendLine(note);
        }

        foreach (var failure in result.Blessing.Failures)
        {
            text.AppendLine($"FAILED {failure.Message}");
        }

        return text.ToString();
    }
}
