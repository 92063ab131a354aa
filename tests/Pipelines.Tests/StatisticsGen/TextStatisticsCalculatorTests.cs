using Pipelines.Components;
using Pipelines.Data;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.StatisticsGen;

public sealed class TextStatisticsCalculatorTests
{
    [Fact]
    public void Compute_Values_CountsDistinctTopValuesAndAverageLength()
    {
        var f = TextStatisticsCalculator.Compute(Text("s", "b", "a", "b", null, "ccc", "a", "b"));

        var t = Assert.IsType<TextStatistics>(f.Text);
        Assert.Equal((6, 1), (f.Count, f.Missing));
        Assert.Equal(ColumnKind.Text, f.Kind);
        Assert.Equal(3, t.Distinct);
        Assert.Equal([new ValueCount("b", 3), new ValueCount("a", 2), new ValueCount("ccc", 1)], t.TopValues);
        Assert.Equal(8.0 / 6, t.AverageLength, 12); // lengths 1·3 + 1·2 + 3·1 = 8 over 6 values
        Assert.Equal(t.TopValues, t.ValueCounts);
    }

    [Fact]
    public void Compute_EqualCounts_OrderedByValueOrdinal()
    {
        var f = TextStatisticsCalculator.Compute(Text("s", "z", "a", "M", "a", "z", "M"));

        Assert.Equal(["M", "a", "z"], f.Text!.TopValues.Select(v => v.Value));
    }

    [Fact]
    public void Compute_UnusedDictionaryEntries_AreNotCounted()
    {
        var column = new TextColumn("s", [1, 1, -1], ["unused", "used"]);

        var f = TextStatisticsCalculator.Compute(column);

        Assert.Equal(1, f.Text!.Distinct);
        Assert.Equal(new ValueCount("used", 2), Assert.Single(f.Text.TopValues));
    }

    [Fact]
    public void Compute_MoreDistinctValuesThanTheCap_KeepsTop20WithoutValueCounts()
    {
        // Value v{i} appears (i % 7) + 1 times, i < 1500.
        var values = new List<string?>();
        for (var i = 0; i < 1500; i++)
        {
            values.AddRange(Enumerable.Repeat<string?>($"v{i:D4}", (i % 7) + 1));
        }

        var f = TextStatisticsCalculator.Compute(Text("s", [.. values]));

        Assert.Equal(1500, f.Text!.Distinct);
        Assert.Null(f.Text.ValueCounts);
        Assert.Equal(ColumnStatisticsLimits.TopValues, f.Text.TopValues.Count);
        var expected = Enumerable.Range(0, 1500).Select(i => new ValueCount($"v{i:D4}", (i % 7) + 1))
            .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).Take(20);
        Assert.Equal(expected, f.Text.TopValues);
    }

    [Fact]
    public void Compute_AllMissing_ZeroDistinctAndLength()
    {
        var f = TextStatisticsCalculator.Compute(Text("s", null, null));

        Assert.Equal((0, 2), (f.Count, f.Missing));
        Assert.Equal(0, f.Text!.Distinct);
        Assert.Equal(0, f.Text.AverageLength);
        Assert.Empty(f.Text.TopValues);
    }
}
