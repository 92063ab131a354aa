using System.Globalization;
using System.Text.Json;

namespace Pipelines.Components;

/// <summary>
/// Checks a Tuner's search space when the pipeline is declared, so that a typo, an empty choice or a range the trainer
/// rejects is an error naming the dimension before anything runs, instead of every trial failing after the upstream nodes ran.
/// </summary>
internal static class SearchSpaceValidation
{
    /// <summary>What is wrong with <paramref name="options"/>' space (empty when nothing).</summary>
    public static List<string> Problems(TunerOptions options)
    {
        var problems = new List<string>();
        var algorithm = options.Trainer.Algorithm;
        var iterationsOption = TrialHandler.IterationsOption(algorithm);
        foreach (var duplicate in options.Space.GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"Space lists '{duplicate.Key}' {duplicate.Count()} times; keep one range per option.");
        }

        foreach (var dimension in options.Space)
        {
            var name = dimension.Name;
            var type = HyperParameterOverrides.OptionType(algorithm, name);
            if (string.Equals(name, iterationsOption, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"Space sets '{name}', which the Tuner's rounds set (from {nameof(TunerOptions.MinIterations)} up to {nameof(TunerOptions.MaxIterations)}); remove it from Space.");
                continue;
            }

            if (type is null)
            {
                // Applying one value gives the message listing the valid names.
                problems.Add(ApplyProblem(options, name, 0) ?? $"Space sets '{name}', which {algorithm.GetType().Name} does not have.");
                continue;
            }

            var (values, shape) = dimension switch
            {
                FloatRange f => (new[] { f.Min, f.Max }, RangeProblem(f.Min, f.Max, f.LogScale)),
                IntRange i => (new double[] { i.Min, i.Max }, RangeProblem(i.Min, i.Max, i.LogScale)),
                Choice c => ([.. c.Values], c.Values.Count == 0 ? "lists no value" : c.Values.Any(v => !double.IsFinite(v)) ? "lists a value that is not a finite number" : null),
                _ => (Array.Empty<double>(), $"is a {dimension.GetType().Name}, which the Tuner cannot draw from"),
            };
            if (shape is not null)
            {
                problems.Add($"Space dimension '{name}' {shape}.");
                continue;
            }

            if (type == typeof(int) && dimension is FloatRange)
            {
                problems.Add($"Space dimension '{name}' is a {nameof(FloatRange)}, but {name} takes whole numbers: use {nameof(IntRange)}(\"{name}\", …).");
                continue;
            }

            if (type == typeof(bool) && dimension is not Choice)
            {
                problems.Add($"Space dimension '{name}' is a {dimension.GetType().Name}, but {name} is a switch: use {nameof(Choice)}(\"{name}\", [0, 1]) (0 = false, 1 = true).");
                continue;
            }

            foreach (var value in values.Distinct())
            {
                if (ApplyProblem(options, name, value) is { } problem)
                {
                    problems.Add($"Space dimension '{name}' reaches {value.ToString(CultureInfo.InvariantCulture)}: {problem}");
                    break;
                }
            }
        }

        return problems;
    }

    private static string? RangeProblem(double min, double max, bool logScale) =>
        !double.IsFinite(min) || !double.IsFinite(max) ? "has a bound that is not a finite number"
        : min > max ? $"has Min {min.ToString(CultureInfo.InvariantCulture)} above Max {max.ToString(CultureInfo.InvariantCulture)}"
        : logScale && min <= 0 ? $"is on a log scale from {min.ToString(CultureInfo.InvariantCulture)}: a log scale needs Min > 0"
        : null;

    /// <summary>Why the trainer would refuse <paramref name="name"/> = <paramref name="value"/>, or null.</summary>
    private static string? ApplyProblem(TunerOptions options, string name, double value)
    {
        try
        {
            var algorithm = HyperParameterOverrides.Apply(options.Trainer.Algorithm,
                new Dictionary<string, JsonElement> { [name] = JsonSerializer.SerializeToElement(value) }, "the Tuner's space");
            // Only what this value adds: the base options' own problems are reported once, by the Tuner.
            var problems = TrainerOptionsValidation.Problems(options.Trainer with { Algorithm = algorithm }).Except(TrainerOptionsValidation.Problems(options.Trainer)).ToList();
            return problems.Count == 0 ? null : string.Join(" ", problems);
        }
        catch (DataValidationException e)
        {
            return e.Message;
        }
    }
}
