using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

public sealed class RowSampleTests
{
    [Fact]
    public void Choose_SameArguments_GiveTheSameAscendingDistinctPositionsSpreadOverTheWholeRange()
    {
        var sample = RowSample.Choose(1_000_000, 20_000, RowSample.EvalSeed);

        Assert.Equal(sample, RowSample.Choose(1_000_000, 20_000, RowSample.EvalSeed));
        Assert.NotEqual(sample, RowSample.Choose(1_000_000, 20_000, RowSample.EvalSeed + 1));
        Assert.Equal(20_000, sample.Length);
        Assert.True(sample.Zip(sample.Skip(1)).All(p => p.First < p.Second));
        Assert.InRange(sample[0], 0, 999_999);
        Assert.InRange(sample[^1], 0, 999_999);

        // Uniform: each tenth of the rows holds about a tenth of the sample (binomial sd ≈ 42), and so does each parity.
        foreach (var tenth in sample.GroupBy(r => r / 100_000))
        {
            Assert.InRange(tenth.Count(), 1_800, 2_200);
        }

        Assert.InRange(sample.Count(r => r % 2 == 0), 9_700, 10_300);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 5)]
    [InlineData(5, 9)]
    public void Choose_AsManyOrMoreThanThereAre_GivesEveryPosition(int population, int count) =>
        Assert.Equal(Enumerable.Range(0, population), RowSample.Choose(population, count, 1));

    [Fact]
    public void SampleView_GivesTheRowsAtTheChosenPositions_AndTheSourceWhenItIsSmallEnough()
    {
        var ml = new MLContext(1);
        var source = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1_000).Select(i => new Row { Value = i }));
        // A filter hides the row count: the sample counts the rows first.
        var filtered = ml.Data.FilterRowsByColumn(source, nameof(Row.Value), lowerBound: 100);

        var sample = RowSampleDataView.Sample(filtered, 50, 7);

        var expected = RowSample.Choose(900, 50, 7).Select(p => p + 100f);
        Assert.Equal(expected, sample.GetColumn<float>(nameof(Row.Value)));
        Assert.Equal(50, sample.GetRowCount());
        Assert.Same(source, RowSampleDataView.Sample(source, 1_000, 7));
        Assert.Throws<ArgumentException>(() => new RowSampleDataView(source, [2, 1]));
    }

    [Fact]
    public void SampleView_SourceShorterThanItsPositions_ThrowsInsteadOfStoppingShort_AndEndsAtPositionMinusOne()
    {
        var ml = new MLContext(1);
        var source = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new Row { Value = i }));

        using (var cursor = new RowSampleDataView(source, [2, 5]).GetRowCursor(source.Schema))
        {
            Assert.True(cursor.MoveNext());
            Assert.Equal(0, cursor.Position);
            Assert.True(cursor.MoveNext());
            Assert.False(cursor.MoveNext());
            Assert.Equal(-1, cursor.Position);
        }

        using var tooLong = new RowSampleDataView(source, [2, 12]).GetRowCursor(source.Schema);
        Assert.True(tooLong.MoveNext());
        Assert.Contains("before sampled position 12", Assert.Throws<InvalidOperationException>(() => tooLong.MoveNext()).Message, StringComparison.Ordinal);
    }

    private sealed class Row
    {
        public float Value { get; set; }
    }
}
