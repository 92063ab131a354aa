namespace Pipelines.Components;

/// <summary>One model's predictions on the rows of a table, as arrays (one entry per row), with the labels read from the
/// scored rows.</summary>
internal sealed class Predictions
{
    public Predictions(EvaluationTask task, int count)
    {
        Task = task;
        Count = count;
        Labels = new double[count];
        Scores = new double[count];
        Probabilities = new double[count];
        Predicted = new int[count];
        Groups = [];
        ClassScores = [];
        Classes = [];
    }

    public EvaluationTask Task { get; }

    public int Count { get; }

    /// <summary>Binary: 1 or 0; multiclass: the class index; regression, ranking: the value. NaN = no label.</summary>
    public double[] Labels { get; }

    /// <summary>Binary: the raw score; regression, ranking: the prediction. Multiclass: the predicted class's score.</summary>
    public double[] Scores { get; }

    /// <summary>Binary: the probability of the positive class (NaN when the model has none).</summary>
    public double[] Probabilities { get; }

    /// <summary>Whether the model outputs a <c>Probability</c> column (binary).</summary>
    public bool HasProbability { get; set; }

    /// <summary>Binary: 1 or 0; multiclass: the predicted class index.</summary>
    public int[] Predicted { get; }

    /// <summary>Multiclass: <see cref="ModelClassCount"/> scores per row.</summary>
    public double[] ClassScores { get; set; }

    /// <summary>Multiclass: the classes the model scores, followed by label values it does not know.</summary>
    public IReadOnlyList<string> Classes { get; set; }

    /// <summary>Multiclass: the number of classes the model scores.</summary>
    public int ModelClassCount { get; set; }

    /// <summary>Ranking: the group id of each row.</summary>
    public int[] Groups { get; set; }

    /// <summary>How the rows were scored, for the log: the compiled featurizer and trees, ML.NET's featurizer and the compiled
    /// trees, or the model's own chain.</summary>
    public string ScoredBy { get; set; } = "the model's ML.NET chain";

    /// <summary>Rows without a label.</summary>
    public int MissingLabels { get; set; }

    /// <summary>Label values not among the model's classes, with their row counts.</summary>
    public IReadOnlyDictionary<string, int> UnknownLabels { get; set; } = new Dictionary<string, int>();

    /// <summary>The output explained by contributions: binary probability (or score), the predicted class's score, or the score.</summary>
    public double ExplainedOutput(int row, int classIndex) => Task switch
    {
        EvaluationTask.BinaryClassification => HasProbability ? Probabilities[row] : Scores[row],
        EvaluationTask.MulticlassClassification => ClassScores[(row * ModelClassCount) + classIndex],
        _ => Scores[row],
    };

    /// <summary>The label of a row as text.</summary>
    public string? LabelText(int row)
    {
        var label = Labels[row];
        if (double.IsNaN(label))
        {
            return null;
        }

        return Task switch
        {
            EvaluationTask.BinaryClassification => label > 0 ? "true" : "false",
            EvaluationTask.MulticlassClassification => Classes[(int)label],
            _ => ModelScorer.Format(label),
        };
    }

    /// <summary>The prediction of a row as text.</summary>
    public string PredictionText(int row) => Task switch
    {
        EvaluationTask.BinaryClassification => Predicted[row] == 1 ? "true" : "false",
        EvaluationTask.MulticlassClassification => Classes[Predicted[row]],
        _ => ModelScorer.Format(Scores[row]),
    };
}
