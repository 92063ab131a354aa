using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Components;

/// <summary>
/// The Trainer's label preparation for the common cases, as a per-row function on the raw label column: a number above
/// <see cref="TrainerOptions.PositiveAbove"/> (binary), a bool (binary), a number (regression). It gives the same rows and
/// labels as <see cref="LabelPreparation"/>'s ML.NET transforms (a missing number is skipped; NaN is returned for it), which
/// cost the C API engine half a second per 2 million rows. Other labels (text, classes, ranking) go through those transforms.
/// </summary>
internal sealed class RawLabelRule
{
    private readonly double? _positiveAbove;

    private RawLabelRule(string column, double? positiveAbove)
    {
        Column = column;
        _positiveAbove = positiveAbove;
    }

    /// <summary>The raw label column.</summary>
    public string Column { get; }

    /// <summary>The rule for this label and task, or null when only the ML.NET transforms handle it.</summary>
    public static RawLabelRule? For(DataViewSchema.Column label, TrainerOptions options)
    {
        var number = label.Type == NumberDataViewType.Double || label.Type == NumberDataViewType.Single;
        return options.Task switch
        {
            TrainingTask.BinaryClassification when options.PositiveAbove is { } above && number => new RawLabelRule(label.Name, above),
            TrainingTask.BinaryClassification when options.PositiveAbove is null && label.Type is BooleanDataViewType => new RawLabelRule(label.Name, null),
            TrainingTask.Regression when number => new RawLabelRule(label.Name, null),
            _ => null,
        };
    }

    /// <summary>Reads the current row's label: 0/1 or the value; NaN when the raw label is missing (skip the row).</summary>
    public Func<float> Reader(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        if (label.Type is BooleanDataViewType)
        {
            var getBool = cursor.GetGetter<bool>(label);
            var flag = false;
            return () =>
            {
                getBool(ref flag);
                return flag ? 1f : 0f;
            };
        }

        Func<double> read;
        if (label.Type == NumberDataViewType.Double)
        {
            var get = cursor.GetGetter<double>(label);
            var value = 0d;
            read = () =>
            {
                get(ref value);
                return value;
            };
        }
        else
        {
            var get = cursor.GetGetter<float>(label);
            var value = 0f;
            read = () =>
            {
                get(ref value);
                return value;
            };
        }

        return () => Label(read());
    }

    /// <summary>The label of a raw number: 0/1 or the value; NaN when missing (skip the row).</summary>
    public float Label(double value) =>
        _positiveAbove is not { } threshold ? (float)value
        : double.IsNaN(value) ? float.NaN
        : value > threshold ? 1f : 0f;
}
