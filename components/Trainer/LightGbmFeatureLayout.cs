using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Components;

/// <summary>
/// How the slots of the feature vector become LightGBM columns: each one-hot block (a <c>CategoricalSlotRanges</c> range of
/// more than one slot, as <c>OneHotEncoding</c> annotates it) is one categorical column whose value is the hot slot's offset in
/// the block (-1, LightGBM's "missing", when no slot is hot); every other slot is one numeric column. The same collapse as
/// ML.NET's LightGBM trainer, so a LightGBM model over these columns maps back onto the vector's slots exactly as ML.NET
/// maps its own.
/// </summary>
internal sealed class LightGbmFeatureLayout
{
    /// <summary>ML.NET's annotation kind (<c>AnnotationUtils.Kinds.CategoricalSlotRanges</c>, internal there).</summary>
    private const string CategoricalSlotRanges = "CategoricalSlotRanges";

    private LightGbmFeatureLayout(int slots, int[] columnStarts, bool[] categorical, string[] names, string[]?[] categories)
    {
        Names = names;
        Categories = categories;
        SlotCount = slots;
        ColumnStarts = columnStarts;
        IsCategorical = categorical;
        SlotColumn = new int[slots];
        for (var column = 0; column < Columns; column++)
        {
            for (var slot = columnStarts[column]; slot < columnStarts[column + 1]; slot++)
            {
                SlotColumn[slot] = column;
            }
        }
    }

    /// <summary>Slots of the feature vector.</summary>
    public int SlotCount { get; }

    /// <summary>LightGBM columns.</summary>
    public int Columns => IsCategorical.Length;

    /// <summary>Column c covers slots [ColumnStarts[c], ColumnStarts[c + 1]); one more entry than there are columns.</summary>
    public int[] ColumnStarts { get; }

    /// <summary>Whether each column is a collapsed one-hot block.</summary>
    public bool[] IsCategorical { get; }

    /// <summary>Each column's name for LightGBM (from the vector's slot names, e.g. <c>date_hour</c>, <c>origin_onehot</c>; letters,
    /// digits and underscores, unique); <c>Column_i</c> when the vector has no slot names.</summary>
    public string[] Names { get; }

    /// <summary>For a categorical column, the category of each offset (the rest of its slots' names, e.g. <c>ATL</c>); else null.</summary>
    public string[]?[] Categories { get; }

    /// <summary>The column of each slot.</summary>
    public int[] SlotColumn { get; }

    /// <summary>The categorical columns, for LightGBM's <c>categorical_feature</c>.</summary>
    public IEnumerable<int> CategoricalColumns => Enumerable.Range(0, Columns).Where(c => IsCategorical[c]);

    /// <summary>The layout of <paramref name="feature"/> (a known-size float vector or a float scalar).</summary>
    /// <param name="feature">The feature column.</param>
    /// <param name="useCategoricalSplit">Collapse one-hot blocks into categorical columns; false keeps one column per slot.</param>
    public static LightGbmFeatureLayout For(DataViewSchema.Column feature, bool useCategoricalSplit)
    {
        var slots = feature.Type is VectorDataViewType vector ? vector.Size : 1;
        var ranges = useCategoricalSplit ? CategoricalRanges(feature, slots) : [];
        var starts = new List<int>();
        var categorical = new List<bool>();
        var next = 0;
        foreach (var (first, last) in ranges)
        {
            for (; next < first; next++)
            {
                starts.Add(next);
                categorical.Add(false);
            }

            starts.Add(first);
            categorical.Add(true);
            next = last + 1;
        }

        for (; next < slots; next++)
        {
            starts.Add(next);
            categorical.Add(false);
        }

        starts.Add(slots);
        var slotNames = SlotNames(feature, slots);
        var names = new string[categorical.Count];
        var categories = new string[]?[categorical.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < names.Length; c++)
        {
            var first = slotNames?[starts[c]];
            string name;
            if (categorical[c] && first is not null)
            {
                // One-hot slot names are "<column>.<category>".
                var dot = first.LastIndexOf('.');
                name = dot > 0 ? first[..dot] : first;
                var prefix = name.Length + 1;
                categories[c] = [.. Enumerable.Range(starts[c], starts[c + 1] - starts[c]).Select(s => slotNames![s].Length >= prefix ? slotNames[s][prefix..] : slotNames[s])];
            }
            else
            {
                name = first ?? "";
            }

            names[c] = Unique(Sanitize(name, c), used);
        }

        return new LightGbmFeatureLayout(slots, [.. starts], [.. categorical], names, categories);
    }

    private static string[]? SlotNames(DataViewSchema.Column feature, int slots)
    {
        if (feature.Type is not VectorDataViewType || !feature.HasSlotNames())
        {
            return null;
        }

        var buffer = default(VBuffer<ReadOnlyMemory<char>>);
        feature.GetSlotNames(ref buffer);
        var names = buffer.DenseValues().Select(v => v.ToString()).ToArray();
        return names.Length == slots ? names : null;
    }

    /// <summary>LightGBM refuses JSON punctuation and spaces in feature names.</summary>
    private static string Sanitize(string name, int column)
    {
        var chars = name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '_').ToArray();
        return chars.Length == 0 ? $"Column_{column}" : new string(chars);
    }

    private static string Unique(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var i = 2; !used.Add(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }

        return candidate;
    }

    /// <summary>The valid one-hot blocks (inclusive slot ranges of two slots or more, sorted, disjoint), as ML.NET accepts them.</summary>
    private static List<(int First, int Last)> CategoricalRanges(DataViewSchema.Column feature, int slots)
    {
        var result = new List<(int, int)>();
        if (feature.Annotations.Schema.GetColumnOrNull(CategoricalSlotRanges) is not { } column
            || column.Type is not VectorDataViewType { ItemType: NumberDataViewType } type
            || type.ItemType.RawType != typeof(int))
        {
            return result;
        }

        var buffer = default(VBuffer<int>);
        feature.Annotations.GetValue(CategoricalSlotRanges, ref buffer);
        var values = buffer.DenseValues().ToArray();
        if (values.Length == 0 || values.Length % 2 != 0)
        {
            return result;
        }

        var previousLast = -1;
        for (var i = 0; i < values.Length; i += 2)
        {
            var (first, last) = (values[i], values[i + 1]);
            if (first <= previousLast || last < first || last >= slots)
            {
                // Not a layout ML.NET would accept either: train on the slots as they are.
                return [];
            }

            if (last > first)
            {
                result.Add((first, last));
            }

            previousLast = last;
        }

        return result;
    }
}
