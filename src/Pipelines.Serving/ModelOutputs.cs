using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Serving;

/// <summary>
/// Which prediction columns a model's scored row has, read once per loaded model: <c>PredictedLabel</c> (a key with class names,
/// text, or boolean), <c>Score</c> (a number, or one per class with the class names as slot names) and <c>Probability</c>.
/// </summary>
internal sealed class ModelOutputs
{
    private ModelOutputs(DataViewSchema schema)
    {
        Label = schema.GetColumnOrNull("PredictedLabel");
        Score = schema.GetColumnOrNull("Score");
        Probability = schema.GetColumnOrNull("Probability") is { Type: NumberDataViewType } p ? p : null;
        if (Label is { Type: KeyDataViewType } key && key.Annotations.Schema.GetColumnOrNull("KeyValues") is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> values = default;
            key.GetKeyValues(ref values);
            LabelNames = [.. values.DenseValues().Select(v => v.ToString())];
        }

        if (Score is { Type: VectorDataViewType { Size: > 0 } vector } scores)
        {
            ClassCount = vector.Size;
            if (scores.Annotations.Schema.GetColumnOrNull("SlotNames") is { Type: VectorDataViewType { ItemType: TextDataViewType } })
            {
                VBuffer<ReadOnlyMemory<char>> names = default;
                scores.GetSlotNames(ref names);
                var all = names.DenseValues().Select(v => v.ToString()).ToArray();
                ClassNames = all.Length == ClassCount && all.All(n => n.Length > 0) ? all : null;
            }

            ClassNames ??= LabelNames?.Length == ClassCount ? LabelNames : null;
        }
    }

    public DataViewSchema.Column? Label { get; }

    public DataViewSchema.Column? Score { get; }

    public DataViewSchema.Column? Probability { get; }

    /// <summary>The class names of a key-typed predicted label (index = key - 1).</summary>
    public string[]? LabelNames { get; }

    /// <summary>Multiclass: the number of per-class scores; 0 for a scalar score.</summary>
    public int ClassCount { get; }

    /// <summary>Multiclass: the class of each score, when the model names them.</summary>
    public string[]? ClassNames { get; }

    public IEnumerable<DataViewSchema.Column> Active =>
        new[] { Label, Score, Probability }.Where(c => c is not null).Select(c => c!.Value);

    /// <exception cref="InvalidOperationException">The model has no <c>Score</c> or <c>PredictedLabel</c>: not a predictor.</exception>
    public static ModelOutputs Of(DataViewSchema scoredSchema)
    {
        var outputs = new ModelOutputs(scoredSchema);
        if (outputs.Score is null && outputs.Label is null)
        {
            throw new InvalidOperationException(
                $"the model produces neither 'Score' nor 'PredictedLabel' (columns: {string.Join(", ", scoredSchema.Where(c => !c.IsHidden).Select(c => c.Name))}); it is not a trained predictor.");
        }

        return outputs;
    }
}
