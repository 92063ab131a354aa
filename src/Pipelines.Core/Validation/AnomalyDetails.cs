namespace Pipelines.Validation;

/// <summary>The numbers behind an anomaly, for tools and dashboards; every member is optional.
/// JSON: <c>{"values":[{"value":"Mars","count":3}],"observed":0.04,"limit":0,"expected":"int","actual":"text"}</c>.</summary>
/// <param name="Values">Offending values with counts (unexpected categorical values, top 10; the values that moved most for drift).</param>
/// <param name="Observed">The measured quantity: missing fraction, out-of-domain fraction, distance, size change, min or max.</param>
/// <param name="Limit">The threshold it was compared with.</param>
/// <param name="Expected">What the schema expects (a type, a range), as text.</param>
/// <param name="Actual">What the data has, as text.</param>
public sealed record AnomalyDetails(
    IReadOnlyList<ValueCount>? Values = null,
    double? Observed = null,
    double? Limit = null,
    string? Expected = null,
    string? Actual = null);
