using Microsoft.Data.Analysis;
using Microsoft.ML;

namespace Pipelines.Data;

/// <summary>Loads splits of an <see cref="Examples"/> artifact for notebooks, scripts and tests.</summary>
public static class ExamplesReader
{
    /// <summary>Loads a split as a columnar table (the fast path).</summary>
    public static Task<ColumnarTable> LoadTableAsync(Examples examples, string split, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return ColumnarFormat.ReadAsync(SplitDirectory(examples, split), cancellationToken);
    }

    /// <summary>Loads a split as an ML.NET <see cref="IDataView"/>.</summary>
    public static async Task<IDataView> LoadDataViewAsync(Examples examples, string split, CancellationToken cancellationToken = default) =>
        new ColumnarDataView(await LoadTableAsync(examples, split, cancellationToken).ConfigureAwait(false));

    /// <summary>Loads a split as a <see cref="DataFrame"/> (numbers as nullable doubles, text as nullable strings, timestamps as DateTime).</summary>
    public static async Task<DataFrame> LoadDataFrameAsync(Examples examples, string split, CancellationToken cancellationToken = default) =>
        ToDataFrame(await LoadTableAsync(examples, split, cancellationToken).ConfigureAwait(false));

    /// <summary>Converts a table to a <see cref="DataFrame"/>.</summary>
    public static DataFrame ToDataFrame(ColumnarTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = new List<DataFrameColumn>(table.Columns.Count);
        foreach (var column in table.Columns)
        {
            switch (column)
            {
                case NumericColumn { Kind: ColumnKind.Timestamp } t:
                    columns.Add(new PrimitiveDataFrameColumn<DateTime>(t.Name, Enumerable.Range(0, t.Length).Select(i => (DateTime?)t.GetValue(i))));
                    break;
                case NumericColumn n:
                    columns.Add(new DoubleDataFrameColumn(n.Name, n.Values.Select(v => double.IsNaN(v) ? (double?)null : v)));
                    break;
                case TextColumn s:
                    columns.Add(new StringDataFrameColumn(s.Name, Enumerable.Range(0, s.Length).Select(i => s[i])));
                    break;
            }
        }

        return new DataFrame(columns);
    }

    private static string SplitDirectory(Examples examples, string split)
    {
        if (!examples.SplitNames.Contains(split))
        {
            throw new KeyNotFoundException(
                $"Examples artifact {examples.Id} has no split '{split}'. Splits: {string.Join(", ", examples.SplitNames)}.");
        }

        return examples.SplitUri(split);
    }
}
