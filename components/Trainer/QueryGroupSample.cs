using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// The ranking counterpart of a row sample: whole query groups, drawn uniformly (seeded) until they hold at least the rows
/// asked for, kept in their order. A row sample would cut groups, and the first rows are no sample (see <see cref="RowSample"/>).
/// </summary>
internal static class QueryGroupSample
{
    /// <summary>
    /// The groups' rows of <paramref name="view"/> (a group is a run of rows with the same key in <paramref name="groupColumn"/>,
    /// as LightGBM reads them) that make up the sample, or <paramref name="view"/> itself when it has no more than
    /// <paramref name="rows"/> rows. <paramref name="groups"/> = (groups kept, groups in all).
    /// </summary>
    public static IDataView Of(IDataView view, string groupColumn, int rows, int seed, out (int Kept, int All) groups)
    {
        var starts = new List<int>();
        var total = 0;
        var column = view.Schema[groupColumn];
        using (var cursor = view.GetRowCursor([column]))
        {
            var get = cursor.GetGetter<uint>(column);
            uint key = 0;
            uint previous = 0;
            while (cursor.MoveNext())
            {
                get(ref key);
                if (total == 0 || key != previous)
                {
                    starts.Add(total);
                }

                previous = key;
                total++;
            }
        }

        groups = (starts.Count, starts.Count);
        if (total <= rows)
        {
            return view;
        }

        starts.Add(total);
        var order = Enumerable.Range(0, starts.Count - 1).ToArray();
        new Random(seed).Shuffle(order);
        var kept = new List<int>();
        var taken = 0;
        foreach (var g in order)
        {
            kept.Add(g);
            taken += starts[g + 1] - starts[g];
            if (taken >= rows)
            {
                break;
            }
        }

        kept.Sort();
        groups = (kept.Count, starts.Count - 1);
        return new RowSampleDataView(view, [.. kept.SelectMany(g => Enumerable.Range(starts[g], starts[g + 1] - starts[g]))]);
    }
}
