namespace Pipelines.Validation;

/// <summary>What ExampleValidator found. JSON: the camelCase name (<c>"missingColumn"</c>, ...).</summary>
public enum AnomalyKind
{
    /// <summary>A schema feature is absent from the split (error).</summary>
    MissingColumn,

    /// <summary>The split has a column the schema does not list (warning).</summary>
    UnexpectedColumn,

    /// <summary>The column's type differs from the schema's (error).</summary>
    TypeMismatch,

    /// <summary>More rows miss a value than the schema's presence allows (error).</summary>
    MissingValuesOverLimit,

    /// <summary>A string column holds values outside the schema's domain (error).</summary>
    UnexpectedCategoricalValues,

    /// <summary>A numeric column's min or max is outside the schema's range (error).</summary>
    ValueOutOfRange,

    /// <summary>The train split's distribution moved beyond the drift threshold since the baseline span (error).</summary>
    Drift,

    /// <summary>The dataset's row count (all splits together) changed beyond the dataset constraints since the baseline (error;
    /// dataset-level: split <c>*</c>).</summary>
    DatasetSizeChange,

    /// <summary>A split has no rows (error).</summary>
    EmptySplit,

    /// <summary>A column has no value in any row of the split (error).</summary>
    AllMissingColumn,

    /// <summary>The label has a single value in the split (error; regression or unknown task).</summary>
    ConstantLabel,

    /// <summary>A classification label has a single class in the split (error).</summary>
    SingleClassSplit,

    /// <summary>A column's statistics equal the label's: it may be a copy of the label (warning).</summary>
    LabelLeakage,

    /// <summary>The schema was inferred from the very data being validated, so it cannot notice new values or types in it (warning;
    /// dataset-level: split <c>*</c>). Curate the schema to get real checks.</summary>
    InferredSchema,

    /// <summary>The served requests' distribution of a column differs from the training data's beyond the skew threshold
    /// (error): training/serving skew.</summary>
    TrainingServingSkew,
}
