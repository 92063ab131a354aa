using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Pipelines.Components;

/// <summary>
/// Turns the raw label of the transformed examples into what ML.NET's trainers want for the task (training only; the saved
/// model does not need the label): a key for multiclass (classes ordered by value), a bool for binary, a float for regression
/// and ranking; drops rows whose label is missing; ranking groups become a key.
/// </summary>
internal sealed class LabelPreparation
{
    /// <summary>The prepared label column.</summary>
    public const string LabelColumn = "__label";

    /// <summary>The prepared ranking group column.</summary>
    public const string GroupColumn = "__group";

    private const string KeyColumn = "__label_key";

    private static readonly string[] s_trueWords = ["true", "yes", "1", "t", "y"];
    private static readonly string[] s_falseWords = ["false", "no", "0", "f", "n"];

    private readonly IEstimator<ITransformer> _estimator;
    private readonly string? _rawMissingFilter;
    private readonly string? _keyMissingFilter;
    private readonly bool _filterKeyOnTrain;
    private ITransformer? _fitted;

    private LabelPreparation(
        IEstimator<ITransformer> estimator,
        string? rawMissingFilter,
        string? keyMissingFilter,
        bool filterKeyOnTrain,
        LabelScan scan,
        string? positiveClass,
        IReadOnlyList<string>? classes)
    {
        _estimator = estimator;
        _rawMissingFilter = rawMissingFilter;
        _keyMissingFilter = keyMissingFilter;
        _filterKeyOnTrain = filterKeyOnTrain;
        Scan = scan;
        PositiveClass = positiveClass;
        Classes = classes;
    }

    /// <summary>What the train split's label holds.</summary>
    public LabelScan Scan { get; }

    /// <summary>Binary: the raw value mapped to true (null for bool labels).</summary>
    public string? PositiveClass { get; }

    /// <summary>Classification: the classes found in the train split, in key order (null when not known up front).</summary>
    public IReadOnlyList<string>? Classes { get; }

    /// <summary>Plans the preparation from a scan of the train split's label.</summary>
    /// <exception cref="DataValidationException">The label does not fit the task; the message names the column, its values
    /// and what to change.</exception>
    /// <param name="ml">The context.</param>
    /// <param name="train">The train split.</param>
    /// <param name="label">The label column.</param>
    /// <param name="options">The Trainer's options.</param>
    /// <param name="scan">The label's scan when already made (from the raw column), else it is scanned here.</param>
    public static LabelPreparation Create(MLContext ml, IDataView train, string label, TrainerOptions options, LabelScan? scan = null)
    {
        var column = train.Schema[label];
        if (scan is null && options.Task == TrainingTask.BinaryClassification && options.PositiveAbove is null && column.Type is BooleanDataViewType
            && train.GetRowCount() is { } rowCount)
        {
            // A bool cannot be missing: the row count (known to the binary IDV loader without reading) and the values seen
            // until both showed up (usually in the first rows) are the whole scan, instead of a pass over the split.
            scan = new LabelScan(rowCount, 0, [], LabelScan.BoolValues(train, column), false);
        }

        scan ??= LabelScan.Run(train, column);
        var type = column.Type;
        var available = scan.Rows - scan.Missing;
        if (available == 0)
        {
            throw new DataValidationException($"The label '{label}' is missing in all {scan.Rows} rows of split '{options.TrainSplit}'; nothing to train on.");
        }

        IEstimator<ITransformer> estimator = new EstimatorChain<ITransformer>();
        string? rawFilter = null;
        string? keyFilter = null;
        var keyFilterOnTrain = false;
        string? positive = null;
        IReadOnlyList<string>? classes = null;
        var isNumber = type is NumberDataViewType;
        var isText = type is TextDataViewType;
        if (scan.Missing > 0 && isNumber)
        {
            rawFilter = label;
        }

        switch (options.Task)
        {
            case TrainingTask.MulticlassClassification:
                if (type is KeyDataViewType)
                {
                    estimator = ml.Transforms.CopyColumns(LabelColumn, label);
                    keyFilter = LabelColumn;
                    keyFilterOnTrain = scan.Missing > 0;
                    break;
                }

                if (!isNumber && !isText && type is not BooleanDataViewType)
                {
                    throw Unsupported(label, type, options.Task, "text, a number or a key");
                }

                if (scan.TooManyNumericValues)
                {
                    throw new DataValidationException(
                        $"The label '{label}' has more than {LabelScan.MaxNumericValues} distinct numbers in split '{options.TrainSplit}'; that is not a set of classes. Use {nameof(TrainingTask)}.{nameof(TrainingTask.Regression)}, or bucketize the label upstream.");
                }

                classes = isText ? scan.TextValues : [.. scan.NumericValues.Select(Format)];
                if (scan.DistinctCount < 2)
                {
                    throw new DataValidationException(
                        $"The label '{label}' has a single class ({string.Join(", ", classes)}) in split '{options.TrainSplit}'; multiclass classification needs at least two.");
                }

                estimator = ml.Transforms.Conversion.MapValueToKey(LabelColumn, label, keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
                keyFilter = LabelColumn;
                keyFilterOnTrain = scan.Missing > 0;
                break;

            case TrainingTask.BinaryClassification:
                if (options.PositiveAbove is { } threshold)
                {
                    if (!isNumber)
                    {
                        throw Unsupported(label, type, options.Task, $"a number ({nameof(TrainerOptions.PositiveAbove)} is set)");
                    }

                    if (scan.Rows > scan.Missing && (scan.Max <= threshold || scan.Min > threshold))
                    {
                        throw new DataValidationException(
                            $"The label '{label}' is {(scan.Max <= threshold ? "never above" : "always above")} {nameof(TrainerOptions.PositiveAbove)} = {Format(threshold)} in split '{options.TrainSplit}' " +
                            $"({scan.Rows - scan.Missing} rows with a label, from {Format(scan.Min)} to {Format(scan.Max)}): every row is one class, and binary classification needs both. " +
                            $"Check the data, or {nameof(TrainerOptions)}.{nameof(TrainerOptions.PositiveAbove)}.");
                    }

                    // Training-only mapping (not saved with the model), so a lambda without a contract is fine.
                    estimator = ml.Transforms.Conversion.ConvertType(KeyColumn, label, DataKind.Double)
                        .Append(ml.Transforms.CustomMapping<ThresholdLabelInput, ThresholdLabelOutput>(
                            (input, output) => output.Label = input.Value > threshold, contractName: null));
                    positive = $"> {Format(threshold)}";
                    classes = [$"<= {Format(threshold)}", positive];
                    break;
                }

                if (scan.DistinctCount == 1)
                {
                    var only = isText ? scan.TextValues[0] : type is BooleanDataViewType ? (scan.NumericValues[0] != 0 ? "true" : "false") : Format(scan.NumericValues[0]);
                    throw new DataValidationException(
                        $"The label '{label}' is '{only}' in every row with a label of split '{options.TrainSplit}' ({scan.Rows - scan.Missing} rows): every row is one class, and binary classification needs both. Check the data and the split.");
                }

                if (type is BooleanDataViewType)
                {
                    estimator = ml.Transforms.CopyColumns(LabelColumn, label);
                    break;
                }

                if (isText)
                {
                    positive = ChoosePositive(label, scan.TextValues, options);
                    var pairs = scan.TextValues.Select(v => new KeyValuePair<string, bool>(v, string.Equals(v, positive, StringComparison.Ordinal)));
                    if (scan.Missing > 0)
                    {
                        // Missing text is empty, which a value map cannot tell from a value: drop such rows through a key first.
                        estimator = ml.Transforms.Conversion.MapValueToKey(KeyColumn, label);
                        keyFilter = KeyColumn;
                        keyFilterOnTrain = true;
                        estimator = estimator.Append(ml.Transforms.Conversion.MapValue(LabelColumn, pairs, label));
                    }
                    else
                    {
                        estimator = ml.Transforms.Conversion.MapValue(LabelColumn, pairs, label);
                    }

                    classes = [.. scan.TextValues.OrderBy(v => v == positive ? 1 : 0)];
                    break;
                }

                if (isNumber)
                {
                    var values = scan.NumericValues.Select(Format).ToList();
                    positive = ChoosePositive(label, values, options);
                    var positiveValue = double.Parse(positive, CultureInfo.InvariantCulture);
                    estimator = ml.Transforms.Conversion.ConvertType(KeyColumn, label, DataKind.Double)
                        .Append(ml.Transforms.Conversion.MapValue(LabelColumn, scan.NumericValues.Select(v => new KeyValuePair<double, bool>(v, v == positiveValue)), KeyColumn));
                    classes = [.. values.OrderBy(v => v == positive ? 1 : 0)];
                    break;
                }

                throw Unsupported(label, type, options.Task, "a bool, a number with two values or text with two values");

            default:
                if (!isNumber && type is not BooleanDataViewType)
                {
                    throw Unsupported(label, type, options.Task, "a number");
                }

                estimator = ml.Transforms.Conversion.ConvertType(LabelColumn, label, DataKind.Single);
                break;
        }

        if (options.Task == TrainingTask.Ranking)
        {
            // A hash, not a key learned on the train split: an eval query the train split does not have would otherwise get
            // the missing key, and back-to-back unseen queries would merge into one group (every eval query, when ExampleGen
            // partitions by the query column).
            estimator = estimator.Append(ml.Transforms.Conversion.Hash(GroupColumn, options.GroupColumn!, numberOfBits: 31));
        }

        return new LabelPreparation(estimator, rawFilter, keyFilter, keyFilterOnTrain, scan, positive, classes);
    }

    /// <summary>Fits on the train split (the first call) and returns it prepared.</summary>
    public IDataView PrepareTrain(MLContext ml, IDataView train)
    {
        var filtered = _rawMissingFilter is null ? train : ml.Data.FilterRowsByMissingValues(train, _rawMissingFilter);
        _fitted = _estimator.Fit(filtered);
        var prepared = _fitted.Transform(filtered);
        return _keyMissingFilter is not null && _filterKeyOnTrain ? ml.Data.FilterRowsByMissingValues(prepared, _keyMissingFilter) : prepared;
    }

    /// <summary>Prepares the eval split with what was fitted on train; rows with a missing label or a class unseen in train are dropped.</summary>
    public IDataView PrepareEval(MLContext ml, IDataView eval)
    {
        var fitted = _fitted ?? throw new InvalidOperationException("PrepareTrain first.");
        var filtered = _rawMissingFilter is null ? eval : ml.Data.FilterRowsByMissingValues(eval, _rawMissingFilter);
        var prepared = fitted.Transform(filtered);
        return _keyMissingFilter is not null ? ml.Data.FilterRowsByMissingValues(prepared, _keyMissingFilter) : prepared;
    }

    private static string ChoosePositive(string label, IReadOnlyList<string> values, TrainerOptions options)
    {
        var listed = string.Join(", ", values.Select(v => $"'{v}'"));
        if (values.Count > 2)
        {
            throw new DataValidationException(
                $"The label '{label}' has {values.Count} distinct values in split '{options.TrainSplit}' ({Shorten(listed)}); binary classification needs two. " +
                $"Use {nameof(TrainingTask)}.{nameof(TrainingTask.MulticlassClassification)}, or derive a two-valued label in the data.");
        }

        if (options.PositiveClass is { } chosen)
        {
            if (!values.Contains(chosen, StringComparer.Ordinal))
            {
                throw new DataValidationException(
                    $"{nameof(TrainerOptions)}.{nameof(TrainerOptions.PositiveClass)} is '{chosen}', which the label '{label}' never holds in split '{options.TrainSplit}'. Its values: {listed}.");
            }

            return chosen;
        }

        var positives = values.Where(v => s_trueWords.Contains(v.Trim(), StringComparer.OrdinalIgnoreCase)).ToList();
        var negatives = values.Where(v => s_falseWords.Contains(v.Trim(), StringComparer.OrdinalIgnoreCase)).ToList();
        if (positives.Count == 1 && positives.Count + negatives.Count == values.Count)
        {
            return positives[0];
        }

        throw new DataValidationException(
            $"The binary label '{label}' has the values {listed}; set {nameof(TrainerOptions)}.{nameof(TrainerOptions.PositiveClass)} to the one that is the positive class (true). " +
            "Only true/false, yes/no and 1/0 pairs are recognized without it.");
    }

    private static DataValidationException Unsupported(string label, DataViewType type, TrainingTask task, string expected) =>
        new($"The label '{label}' is {type} in the transformed examples; {task} needs {expected}. Check TrainerOptions.Task and the label column.");

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..197] + "...";
}

/// <summary>Input row of the threshold label mapping.</summary>
internal sealed class ThresholdLabelInput
{
    [Microsoft.ML.Data.ColumnName("__label_key")]
    public double Value { get; set; }
}

/// <summary>Output row of the threshold label mapping.</summary>
internal sealed class ThresholdLabelOutput
{
    [Microsoft.ML.Data.ColumnName(LabelPreparation.LabelColumn)]
    public bool Label { get; set; }
}
