namespace Pipelines.Validation;

/// <summary>The type a schema expects of a column. JSON: <c>"int"</c>, <c>"float"</c>, <c>"string"</c>, <c>"timestamp"</c>.</summary>
public enum FeatureType
{
    /// <summary>A numeric column whose values are all whole numbers.</summary>
    Int,

    /// <summary>A numeric column (whole numbers are accepted too).</summary>
    Float,

    /// <summary>A text column.</summary>
    String,

    /// <summary>A timestamp column.</summary>
    Timestamp,
}
