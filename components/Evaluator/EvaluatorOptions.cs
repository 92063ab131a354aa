using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>Knobs of <see cref="Evaluator"/>. Every property has a default; a model is only blessed when at least one
/// threshold is configured (<see cref="Thresholds"/>, <see cref="ChangeThresholds"/> or <see cref="SliceGapThresholds"/>).</summary>
public sealed record EvaluatorOptions
{
    /// <summary>The task; null (default) = the candidate model's <c>task</c> property.</summary>
    public EvaluationTask? Task { get; init; }

    /// <summary>The label column; null (default) = the candidate model's <c>label</c> property. Read from the scored rows,
    /// so it may be a raw column or a column the model's own preprocessing creates.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>The split evaluated (default <c>eval</c>).</summary>
    public string EvalSplit { get; init; } = "eval";

    /// <summary>Raw columns to slice by: every value of each column is a slice (missing values form the slice
    /// <c>column=(missing)</c>), in addition to <c>overall</c>.</summary>
    public IReadOnlyList<string> SliceColumns { get; init; } = [];

    /// <summary>Slices with fewer rows get a <see cref="EvaluationWarningKind.SmallSlice"/> warning (default 10): their metrics
    /// are still reported, a threshold naming one of them (or <c>overall</c>) fails with that reason, and <c>column=*</c>
    /// thresholds and slice gaps leave them out.</summary>
    public int MinSliceSize { get; init; } = 10;

    /// <summary>Ranking only: the group (query) column.</summary>
    public string? GroupColumn { get; init; }

    /// <summary>Ranking only: the truncation of NDCG (default 10): the metric is named <c>NDCG@10</c>.</summary>
    public int NdcgAt { get; init; } = 10;

    /// <summary>Binary only: the positive label value (text, or a number written as text for numeric labels). Null = the
    /// model's <c>positive_class</c> property (the Trainer writes it); without one, text <c>true</c>, <c>yes</c>, <c>1</c> (any
    /// case) are positive and <c>false</c>, <c>no</c>, <c>0</c> negative, and numbers are positive when greater than zero.</summary>
    public string? PositiveClass { get; init; }

    /// <summary>Binary from a numeric label: positive when the label is greater than this (default: the model's
    /// <c>positive_above</c> property, written by the Trainer's <c>PositiveAbove</c>).</summary>
    public double? PositiveAbove { get; init; }

    /// <summary>Bounds on metric values.</summary>
    public IReadOnlyList<MetricThreshold> Thresholds { get; init; } = [];

    /// <summary>Bounds on the change against the baseline (latest blessed) model.</summary>
    public IReadOnlyList<ChangeThreshold> ChangeThresholds { get; init; } = [];

    /// <summary>Bounds on the gap of a metric between the slices of a column.</summary>
    public IReadOnlyList<SliceGapThreshold> SliceGapThresholds { get; init; } = [];

    /// <summary>Permutation importance and contributions run on at most this many eval rows, sampled with <see cref="Seed"/>
    /// (default 5,000); 0 turns explainability off.</summary>
    public int ExplainMaxRows { get; init; } = 5_000;

    /// <summary>Shuffles per column for permutation importance (default 3); the mean and standard deviation are reported.</summary>
    public int PermutationRepeats { get; init; } = 3;

    /// <summary>The metric whose drop measures permutation importance; null = AUC (binary), LogLoss (multiclass), RMSE
    /// (regression), NDCG@k (ranking).</summary>
    public string? ImportanceMetric { get; init; }

    /// <summary>Rows given per-prediction feature contributions (default 5).</summary>
    public int ContributionRows { get; init; } = 5;

    /// <summary>Seed of the row sample and the shuffles (default 42).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Whether any threshold is configured (without one, no model is ever blessed).</summary>
    [JsonIgnore]
    public bool HasThresholds => Thresholds.Count + ChangeThresholds.Count + SliceGapThresholds.Count > 0;
}
