using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Text column statistics: one pass counting dictionary codes into an array, then work proportional to the number of
/// distinct values (a bounded heap for the top values when value counts are not kept).</summary>
public static class TextStatisticsCalculator
{
    /// <summary>The statistics of a text column.</summary>
    public static FeatureStatistics Compute(TextColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var dictionary = column.Dictionary;
        var counts = new int[dictionary.Length];
        long missing = 0;
        foreach (var code in column.Codes)
        {
            if (code < 0)
            {
                missing++;
            }
            else
            {
                counts[code]++;
            }
        }

        long count = column.Codes.Length - missing;
        var distinct = 0;
        long totalLength = 0;
        for (var c = 0; c < counts.Length; c++)
        {
            if (counts[c] > 0)
            {
                distinct++;
                totalLength += (long)counts[c] * dictionary[c].Length;
            }
        }

        var comparer = new Ranking(counts, dictionary);
        IReadOnlyList<ValueCount>? valueCounts = null;
        ValueCount[] top;
        if (distinct <= ColumnStatisticsLimits.MaxValueCounts)
        {
            var used = new int[distinct];
            var n = 0;
            for (var c = 0; c < counts.Length; c++)
            {
                if (counts[c] > 0)
                {
                    used[n++] = c;
                }
            }

            Array.Sort(used, comparer);
            var all = Array.ConvertAll(used, c => new ValueCount(dictionary[c], counts[c]));
            valueCounts = all;
            top = all[..Math.Min(all.Length, ColumnStatisticsLimits.TopValues)];
        }
        else
        {
            top = TopByHeap(counts, dictionary, comparer);
        }

        var text = new TextStatistics(distinct, top, count == 0 ? 0 : (double)totalLength / count, valueCounts);
        return new FeatureStatistics(column.Name, ColumnKind.Text, count, missing, Text: text);
    }

    private static ValueCount[] TopByHeap(int[] counts, string[] dictionary, Ranking ranking)
    {
        // The heap's root is the worst of the best K so far (reverse ranking).
        var heap = new PriorityQueue<int, int>(ColumnStatisticsLimits.TopValues + 1, Comparer<int>.Create((a, b) => ranking.Compare(b, a)));
        for (var c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0)
            {
                continue;
            }

            if (heap.Count < ColumnStatisticsLimits.TopValues)
            {
                heap.Enqueue(c, c);
            }
            else if (ranking.Compare(c, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(c, c);
            }
        }

        var best = new int[heap.Count];
        for (var i = best.Length - 1; i >= 0; i--)
        {
            best[i] = heap.Dequeue();
        }

        return Array.ConvertAll(best, c => new ValueCount(dictionary[c], counts[c]));
    }

    /// <summary>Orders dictionary codes by count descending, then value ordinal.</summary>
    private sealed class Ranking(int[] counts, string[] dictionary) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            var byCount = counts[y].CompareTo(counts[x]);
            return byCount != 0 ? byCount : string.CompareOrdinal(dictionary[x], dictionary[y]);
        }
    }
}
