using Pipelines.Validation;

namespace Pipelines;

/// <summary>What a preprocessing function knows about the data: the schema, the label and the feature columns by kind.</summary>
/// <param name="Schema">The schema artifact's document.</param>
/// <param name="LabelColumn">The label column (from the schema or the options).</param>
/// <param name="NumericFeatures">Numeric and timestamp feature columns (all but the label and skipped columns).</param>
/// <param name="TextFeatures">Text feature columns.</param>
public sealed record PreprocessingContext(
    DataSchema Schema,
    string? LabelColumn,
    IReadOnlyList<string> NumericFeatures,
    IReadOnlyList<string> TextFeatures);
