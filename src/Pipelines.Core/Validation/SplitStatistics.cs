namespace Pipelines.Validation;

/// <summary>Statistics of one split. JSON: <c>{"name":"train","rowCount":229,"features":[...]}</c>.</summary>
/// <param name="Name">The split name (<c>train</c>, <c>eval</c>, ...).</param>
/// <param name="RowCount">Rows in the split.</param>
/// <param name="Features">One entry per column, in column order.</param>
public sealed record SplitStatistics(string Name, long RowCount, IReadOnlyList<FeatureStatistics> Features)
{
    /// <summary>The statistics of column <paramref name="name"/>, or null.</summary>
    public FeatureStatistics? FindFeature(string name)
    {
        foreach (var f in Features)
        {
            if (string.Equals(f.Name, name, StringComparison.Ordinal))
            {
                return f;
            }
        }

        return null;
    }
}
