namespace Pipelines.Components;

/// <summary>Checks <see cref="TrainerOptions"/> (at definition, and again after hyper-parameter overrides); each problem names
/// the option and says what is allowed.</summary>
internal static class TrainerOptionsValidation
{
    public static IReadOnlyList<string> Problems(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!Enum.IsDefined(options.Task))
        {
            problems.Add($"{nameof(TrainerOptions.Task)} {options.Task} is not a {nameof(TrainingTask)}.");
        }

        if (string.IsNullOrWhiteSpace(options.FeatureColumn))
        {
            problems.Add($"{nameof(TrainerOptions.FeatureColumn)} is empty; name the feature vector the preprocessing produces (default 'Features').");
        }

        if (string.IsNullOrWhiteSpace(options.TrainSplit))
        {
            problems.Add($"{nameof(TrainerOptions.TrainSplit)} is empty.");
        }

        if (options.TrainingLogEvalRows < 0)
        {
            problems.Add($"{nameof(TrainerOptions.TrainingLogEvalRows)} is {options.TrainingLogEvalRows}; use 0 (no metric) or more.");
        }

        if (options.Task == TrainingTask.Ranking && string.IsNullOrWhiteSpace(options.GroupColumn))
        {
            problems.Add($"{nameof(TrainingTask.Ranking)} needs {nameof(TrainerOptions.GroupColumn)} (the column whose values group rows).");
        }

        if (options.Algorithm is null)
        {
            problems.Add($"{nameof(TrainerOptions.Algorithm)} is null; use new LightGbmOptions(), new FastTreeOptions() or new CustomTrainerOptions {{ Module = typeof(...) }}.");
            return problems;
        }

        problems.AddRange(Problems(options.Algorithm, options.Task));
        return problems;
    }

    public static IEnumerable<string> Problems(TrainerAlgorithm algorithm, TrainingTask task)
    {
        if (algorithm.NumberOfThreads is <= 0)
        {
            yield return $"NumberOfThreads is {algorithm.NumberOfThreads}; use a positive count, or null for all cores.";
        }

        switch (algorithm)
        {
            case LightGbmOptions o:
                foreach (var p in Range(nameof(o.NumberOfIterations), o.NumberOfIterations, 1)
                    .Concat(Range(nameof(o.NumberOfLeaves), o.NumberOfLeaves, 2))
                    .Concat(Range(nameof(o.MinimumExampleCountPerLeaf), o.MinimumExampleCountPerLeaf, 1))
                    .Concat(Range(nameof(o.MaximumBinCountPerFeature), o.MaximumBinCountPerFeature, 2))
                    .Concat(Range(nameof(o.MinimumExampleCountPerGroup), o.MinimumExampleCountPerGroup, 1))
                    .Concat(Range(nameof(o.MaximumCategoricalSplitPointCount), o.MaximumCategoricalSplitPointCount, 1))
                    .Concat(Range(nameof(o.EarlyStoppingRound), o.EarlyStoppingRound, 0))
                    .Concat(Range(nameof(o.BinSampleCount), o.BinSampleCount, 1))
                    .Concat(Range(nameof(o.SubsampleFrequency), o.SubsampleFrequency, 0))
                    .Concat(Range(nameof(o.MaximumTreeDepth), o.MaximumTreeDepth, 0))
                    .Concat(Fraction(nameof(o.LearningRate), o.LearningRate, allowAboveOne: true))
                    .Concat(Fraction(nameof(o.FeatureFraction), o.FeatureFraction))
                    .Concat(Fraction(nameof(o.SubsampleFraction), o.SubsampleFraction))
                    .Concat(NonNegative(nameof(o.L1Regularization), o.L1Regularization))
                    .Concat(NonNegative(nameof(o.L2Regularization), o.L2Regularization))
                    .Concat(NonNegative(nameof(o.MinimumChildWeight), o.MinimumChildWeight))
                    .Concat(NonNegative(nameof(o.MinimumSplitGain), o.MinimumSplitGain))
                    .Concat(NonNegative(nameof(o.CategoricalSmoothing), o.CategoricalSmoothing))
                    .Concat(NonNegative(nameof(o.L2CategoricalRegularization), o.L2CategoricalRegularization)))
                {
                    yield return p;
                }

                if (!Enum.IsDefined(o.Engine))
                {
                    yield return $"Engine is {(int)o.Engine}; use one of {string.Join(", ", Enum.GetNames<LightGbmEngine>())}.";
                }

                if (o.ForceColumnWise && o.ForceRowWise)
                {
                    yield return "ForceColumnWise and ForceRowWise are both set; choose one.";
                }

                break;

            case FastTreeOptions f:
                if (task is not (TrainingTask.BinaryClassification or TrainingTask.Regression))
                {
                    yield return $"FastTree supports BinaryClassification and Regression, not {task}; use LightGbmOptions.";
                }

                foreach (var p in Range(nameof(f.NumberOfTrees), f.NumberOfTrees, 1)
                    .Concat(Range(nameof(f.NumberOfLeaves), f.NumberOfLeaves, 2))
                    .Concat(Range(nameof(f.MinimumExampleCountPerLeaf), f.MinimumExampleCountPerLeaf, 1))
                    .Concat(Range(nameof(f.MaximumBinCountPerFeature), f.MaximumBinCountPerFeature, 2))
                    .Concat(Range(nameof(f.BaggingSize), f.BaggingSize, 0))
                    .Concat(Range(nameof(f.EarlyStoppingRound), f.EarlyStoppingRound, 0))
                    .Concat(Fraction(nameof(f.LearningRate), f.LearningRate, allowAboveOne: true))
                    .Concat(Fraction(nameof(f.FeatureFraction), f.FeatureFraction))
                    .Concat(Fraction(nameof(f.BaggingExampleFraction), f.BaggingExampleFraction)))
                {
                    yield return p;
                }

                break;

            case CustomTrainerOptions c:
                string? problem = null;
                try
                {
                    UserCodeType.Validate<ITrainingModule>(c.Module, $"{nameof(CustomTrainerOptions)}.{nameof(CustomTrainerOptions.Module)}", "typeof(MyTrainingModule)");
                }
                catch (ArgumentException e)
                {
                    problem = e.Message;
                }

                if (problem is not null)
                {
                    yield return problem;
                }

                break;
        }
    }

    private static IEnumerable<string> Range(string name, int value, int min)
    {
        if (value < min)
        {
            yield return $"{name} is {value}; it must be at least {min}.";
        }
    }

    private static IEnumerable<string> Fraction(string name, double value, bool allowAboveOne = false)
    {
        if (double.IsNaN(value) || value <= 0 || (!allowAboveOne && value > 1))
        {
            yield return $"{name} is {value}; it must be {(allowAboveOne ? "greater than 0" : "in (0, 1]")}.";
        }
    }

    private static IEnumerable<string> NonNegative(string name, double value)
    {
        if (double.IsNaN(value) || value < 0)
        {
            yield return $"{name} is {value}; it must be 0 or more.";
        }
    }
}
