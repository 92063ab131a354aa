namespace Pipelines.Data;

/// <summary>The logical kind of a column. Physical storage: Numeric and Timestamp are doubles (NaN = missing;
/// Timestamp = seconds since the Unix epoch, UTC); Text is dictionary-encoded (code -1 = missing).</summary>
public enum ColumnKind
{
    /// <summary>A number (integers and floats alike; integer-ness is a statistic).</summary>
    Numeric,

    /// <summary>A string.</summary>
    Text,

    /// <summary>A point in time, UTC.</summary>
    Timestamp,
}
