using Microsoft.ML;
using Pipelines.Components;
using Pipelines.Data;
using static Pipelines.Tests.Evaluator.EvaluatorTestData;

namespace Pipelines.Tests.Evaluator;

/// <summary>Large tables are scored in parallel chunks; the result must not depend on it.</summary>
public sealed class ModelScorerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scorer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Score_LargeBinaryTable_ParallelChunksEqualRowByRowSmallTables()
    {
        var ml = new MLContext(seed: 1);
        var train = Binary(2_000, seed: 1);
        var model = SaveModel(ml, TrainBinary(ml, new ColumnarDataView(train)), new ColumnarDataView(train).Schema, _directory, 1, "BinaryClassification", "y");
        var large = Binary(210_000, seed: 2);
        var scorer = ModelScorer.Load(model, new ScoringSpec(EvaluationTask.BinaryClassification, "y", null, null), "candidate");

        var whole = scorer.Score(large);

        // Pieces of 30,000 rows are below the parallel threshold: each is scored on one cursor.
        for (var start = 0; start < large.RowCount; start += 30_000)
        {
            var rows = Enumerable.Range(start, Math.Min(30_000, large.RowCount - start)).ToArray();
            var piece = scorer.Score(large.Gather(rows));
            Assert.Equal(piece.Scores, whole.Scores.AsSpan(start, rows.Length).ToArray());
            Assert.Equal(piece.Probabilities, whole.Probabilities.AsSpan(start, rows.Length).ToArray());
            Assert.Equal(piece.Predicted, whole.Predicted.AsSpan(start, rows.Length).ToArray());
            Assert.Equal(piece.Labels, whole.Labels.AsSpan(start, rows.Length).ToArray());
        }

        Assert.Equal(large.RowCount, whole.Count);
        Assert.True(whole.HasProbability);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
