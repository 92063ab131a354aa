using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Knobs of <see cref="SchemaGen"/>. They shape an inferred schema only: a curated schema file is used as written.</summary>
public sealed record SchemaGenOptions
{
    /// <summary>The label column recorded in the schema (label checks in ExampleValidator need it); null = none.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>What the label is for; null = classification for a text label, unknown for a numeric one.</summary>
    public LearningTask? Task { get; init; }

    /// <summary>A text column with at most this many distinct values (over all splits) gets a <c>domain</c> listing them;
    /// 0 = never infer domains. Default 50.</summary>
    public int MaxDomainSize { get; init; } = 50;

    /// <summary>The drift threshold inferred for every int, float and string column (L-infinity for strings, Jensen–Shannon for
    /// numbers); null = no drift checks. Timestamps never get one (a new span's timestamps always move). Default 0.1.</summary>
    public double? DriftThreshold { get; init; } = 0.1;

    /// <summary>The curated schema file; when it exists it is used instead of inferring. Null = <c>&lt;schemas folder&gt;/&lt;pipeline&gt;.schema.json</c>
    /// (<see cref="BindingContext.SchemaDirectory"/>). A relative path is resolved against the current directory.</summary>
    public string? CuratedSchemaPath { get; init; }
}
