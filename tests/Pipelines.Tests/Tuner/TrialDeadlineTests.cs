using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Pipelines.Components;
using Xunit;

namespace Pipelines.Tests.Tuner;

public sealed class TrialDeadlineTests
{
    [Fact]
    public void Deadline_WhileFastTreeKeepsThePoolBusy_StopsTheFit()
    {
        // 100,000 trees on 3,000 rows take minutes. With CancellationTokenSource.CancelAfter the cancel, due half a second into
        // the fit, waited for a thread-pool thread that FastTree's split search kept busy, and the fit ran to its end.
        var ml = new MLContext(1);
        using var budget = new CancellationTokenSource();
        using var link = MLContextCancellation.Link(ml, budget.Token);
        var data = ml.Data.Cache(ml.Data.LoadFromEnumerable(Rows(3_000)));
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 100_000, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2 });
        using var deadline = new TrialDeadline(budget, TimeSpan.FromMilliseconds(500));

        var e = Record.Exception(() => trainer.Fit(data));

        Assert.True(budget.IsCancellationRequested);
        Assert.NotNull(e);
        Assert.True(Flatten(e).Any(x => x is OperationCanceledException), $"Expected a cancellation, got {e}");
    }

    [Fact]
    public void Dispose_BeforeTheDeadline_LeavesTheSourceUncancelled()
    {
        using var budget = new CancellationTokenSource();

        new TrialDeadline(budget, TimeSpan.FromSeconds(2)).Dispose();
        var cancelledLater = budget.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(3));

        Assert.False(cancelledLater);
    }

    [Fact]
    public void Deadline_LongerThanAWaitCanTake_WaitsWithoutFailing()
    {
        using var budget = new CancellationTokenSource();
        var deadline = new TrialDeadline(budget, TimeSpan.FromDays(60));

        deadline.Dispose();
        deadline.Dispose();

        Assert.False(budget.IsCancellationRequested);
    }

    [Fact]
    public void Deadline_Reached_CancelsTheSource()
    {
        using var budget = new CancellationTokenSource();
        using var deadline = new TrialDeadline(budget, TimeSpan.FromMilliseconds(50));

        Assert.True(budget.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        var inner = e is AggregateException aggregate ? aggregate.InnerExceptions : e.InnerException is { } one ? [one] : [];
        foreach (var x in inner.SelectMany(Flatten))
        {
            yield return x;
        }
    }

    private static List<Row> Rows(int count)
    {
        var random = new Random(1);
        return [.. Enumerable.Range(0, count).Select(i => new Row { Label = i % 2 == 0, Features = [(float)random.NextDouble() + (i % 2), (float)random.NextDouble(), (float)random.NextDouble()] })];
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(3)]
        public float[] Features { get; set; } = [];
    }
}
