namespace Pipelines.Data;

/// <summary>One column of a <see cref="ColumnarTable"/>; missing values stay missing.</summary>
public abstract class Column
{
    /// <summary>Creates a column.</summary>
    protected Column(string name) => Name = name;

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The logical kind.</summary>
    public abstract ColumnKind Kind { get; }

    /// <summary>The number of rows.</summary>
    public abstract int Length { get; }

    /// <summary>Whether row <paramref name="row"/> is missing.</summary>
    public abstract bool IsMissing(int row);

    /// <summary>A new column holding the rows at <paramref name="rows"/>, in that order.</summary>
    public abstract Column Gather(ReadOnlySpan<int> rows);

    /// <summary>The value of a row as a boxed object (null when missing): for display and tests, not hot paths.</summary>
    public abstract object? GetValue(int row);
}
