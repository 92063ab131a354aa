using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pipelines.Components;

/// <summary>Random search with successive halving over trial subtasks.</summary>
public sealed class TunerExecutor : IExecutor<TunerOptions>
{
    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, TunerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var maxIterations = options.MaxIterations ?? (options.Trainer.Algorithm switch
        {
            LightGbmOptions l => l.NumberOfIterations,
            FastTreeOptions f => f.NumberOfTrees,
            _ => 100,
        });
        var (metric, higherIsBetter) = MetricFor(options);
        var inputs = new[] { Trainer.ExamplesPort, Trainer.TransformGraphPort, Trainer.SchemaPort }
            .ToDictionary(p => p, p => ArtifactReference.Of(context.Inputs[p][0]), StringComparer.Ordinal);

        var random = new Random(options.Seed);
        var configurations = Enumerable.Range(0, options.Trials)
            .Select(_ => options.Space.ToDictionary(d => d.Name, d => JsonSerializer.SerializeToElement(Round(d, d.Sample(random))), StringComparer.Ordinal))
            .ToList();

        var all = new List<TrialResult>();
        var survivors = Enumerable.Range(0, configurations.Count).ToList();
        var iterations = Math.Min(options.MinIterations, maxIterations);
        List<TrialResult> lastRound = [];

        // The budget binds the trials themselves, wherever they run: none starts after the deadline, and a running one stops.
        DateTimeOffset? deadline = options.TimeBudget is { } timeBudget ? DateTimeOffset.UtcNow + timeBudget : null;
        for (var round = 0; ; round++)
        {
            if (round > 0 && options.TimeBudget is { } budget && clock.Elapsed > budget)
            {
                context.Log($"Time budget of {budget.TotalSeconds:0} s used up after round {round - 1}; keeping its best.");
                break;
            }

            var batch = survivors.Select(i => JsonSerializer.Serialize(new TrialInput(inputs, configurations[i], iterations, metric, deadline), TunerJson.Options)).ToList();
            context.Log($"Round {round}: {batch.Count} trial(s) at {iterations} iterations.");
            var results = await context.Subtasks.RunAsync(TrialHandler.TrialKind, batch, cancellationToken).ConfigureAwait(false);
            var thisRound = results.Select(r =>
            {
                var config = survivors[r.Index];
                var output = r.Output is null ? null : JsonSerializer.Deserialize<TrialOutput>(r.Output, TunerJson.Options);
                return new TrialResult(round, config, iterations, configurations[config], metric, output?.Value, r.Seconds, r.Worker, r.Error);
            }).ToList();
            all.AddRange(thisRound);

            var ranked = thisRound.Where(t => t.Value is not null)
                .OrderBy(t => higherIsBetter ? -t.Value!.Value : t.Value!.Value).ThenBy(t => t.Configuration).ToList();
            var outOfTime = thisRound.Count(t => t.Error?.Contains(TrialHandler.OutOfTime, StringComparison.Ordinal) == true);
            if (ranked.Count == 0 && outOfTime > 0)
            {
                if (round == 0 && outOfTime == thisRound.Count)
                {
                    throw new DataValidationException(
                        $"The time budget of {options.TimeBudget!.Value.TotalSeconds:0.#} s ended before any of round 0's {thisRound.Count} trial(s) at {iterations} iterations finished: raise {nameof(TunerOptions)}.{nameof(TunerOptions.TimeBudget)}, or lower {nameof(TunerOptions.Trials)} or {nameof(TunerOptions.MinIterations)}.");
                }

                if (round == 0)
                {
                    throw new DataValidationException(
                        $"No trial of round 0 finished: {outOfTime} ran out of the time budget and the others failed; first error: {thisRound.First(t => t.Error?.Contains(TrialHandler.OutOfTime, StringComparison.Ordinal) != true).Error}");
                }

                context.Log($"Time budget ran out during round {round}: none of its {thisRound.Count} trial(s) at {iterations} iterations finished ({outOfTime} out of time); keeping round {round - 1}'s best.");
                break;
            }

            lastRound = thisRound;
            if (ranked.Count == 0)
            {
                throw new DataValidationException(
                    $"Every trial of round {round} failed; first error: {lastRound.First().Error}");
            }

            if (outOfTime > 0)
            {
                context.Log($"Time budget ran out during round {round}: {outOfTime} trial(s) stopped or not started; keeping the best of the {ranked.Count} that finished.");
                break;
            }

            if (iterations >= maxIterations || ranked.Count == 1)
            {
                break;
            }

            survivors = ranked.Take(Math.Max(1, ranked.Count / options.Eta)).Select(t => t.Configuration).ToList();
            iterations = Math.Min(maxIterations, iterations * options.Eta);
        }

        var best = lastRound.Where(t => t.Value is not null)
            .OrderBy(t => higherIsBetter ? -t.Value!.Value : t.Value!.Value).ThenBy(t => t.Configuration).First();
        var chosen = new Dictionary<string, JsonElement>(best.Parameters, StringComparer.Ordinal)
        {
            [TrialHandler.IterationsOption(options.Trainer.Algorithm)] = JsonSerializer.SerializeToElement(best.Iterations),
        };

        var output = context.Output<HyperParameters>(Tuner.BestPort);
        await File.WriteAllTextAsync(Path.Combine(output.Uri, HyperParameterOverrides.FileName),
            JsonSerializer.Serialize(chosen, TunerJson.Options), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(output.Uri, "trials.json"), JsonSerializer.Serialize(all, TunerJson.Options), cancellationToken)
            .ConfigureAwait(false);
        context.SetOutputProperty(Tuner.BestPort, "metric", metric);
        context.SetOutputProperty(Tuner.BestPort, "best_value", best.Value!.Value);
        context.SetOutputProperty(Tuner.BestPort, "trials", all.Count);
        context.Log($"Best {metric} = {best.Value.Value.ToString("0.#####", CultureInfo.InvariantCulture)} with " +
            string.Join(", ", chosen.Select(kv => $"{kv.Key}={kv.Value}")) + $" after {all.Count} trials in {clock.Elapsed.TotalSeconds:0.0} s.");
    }

    /// <summary>A drawn value as recorded: whole for an <see cref="IntRange"/>; six significant digits for a
    /// <see cref="FloatRange"/> (six decimals turned a fifth of a 1e-8..10 log-scale range into 0, outside the range).</summary>
    internal static double Round(SearchDimension dimension, double value) => dimension switch
    {
        IntRange => Math.Round(value),
        // Clamped: rounding a draw next to a bound of more than six digits could cross it.
        FloatRange f => Math.Clamp(double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), f.Min, f.Max),
        _ => value,
    };

    private static (string Metric, bool HigherIsBetter) MetricFor(TunerOptions options)
    {
        var metric = options.Metric ?? options.Trainer.Task switch
        {
            TrainingTask.BinaryClassification => "AreaUnderRocCurve",
            TrainingTask.MulticlassClassification => "LogLoss",
            TrainingTask.Regression => "RootMeanSquaredError",
            _ => "NDCG@10",
        };
        return (metric, !TrainingLogMetrics.LowerIsBetter(metric));
    }
}
