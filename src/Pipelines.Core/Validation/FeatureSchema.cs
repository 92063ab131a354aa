namespace Pipelines.Validation;

/// <summary>What the schema expects of one column. JSON:
/// <c>{"name":"Island","type":"string","presence":{"minFraction":1},"domain":["Biscoe","Dream","Torgersen"],"drift":{"lInfinity":0.1}}</c>.</summary>
/// <param name="Name">The column name, exactly as in the data.</param>
/// <param name="Type">The expected type.</param>
/// <param name="Presence">The presence requirement; null = no requirement.</param>
/// <param name="Domain">For string columns, the allowed values; null = any value.</param>
/// <param name="Range">For int/float columns, the allowed values; null = any value.</param>
/// <param name="Drift">Drift thresholds against the previous span; null = drift not checked.</param>
/// <param name="Skip">When true the column is known but never checked (no anomaly of any kind).</param>
/// <param name="Skew">Training/serving skew thresholds (training data vs served requests); null = the drift thresholds.</param>
public sealed record FeatureSchema(
    string Name,
    FeatureType Type,
    FeaturePresence? Presence = null,
    IReadOnlyList<string>? Domain = null,
    ValueRange? Range = null,
    DriftThresholds? Drift = null,
    bool Skip = false,
    DriftThresholds? Skew = null);
