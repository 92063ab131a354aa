using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>The knobs of <see cref="ExampleGen"/>. Every property enters the cache fingerprint.</summary>
public sealed record ExampleGenOptions
{
    /// <summary>The default <see cref="MaxFieldLength"/>: 1 MiB characters.</summary>
    public const int DefaultMaxFieldLength = 1 << 20;

    /// <summary>A file or directory path (relative paths are resolved against the current directory when the node is bound).
    /// May contain <c>{SPAN}</c> (or <c>{SPAN:n}</c>, zero-padded to n digits) and then <c>{VERSION}</c>, e.g.
    /// <c>data/span-{SPAN}/penguins.csv</c>: the newest span is read. A directory means every file of the format in it.
    /// With <see cref="InputSplits"/>, the base directory the split patterns are relative to.
    /// Set by the <see cref="ExampleGen"/> constructor.</summary>
    public string Input { get; init; } = "";

    /// <summary>The input format; <see cref="ExampleGenFormat.Auto"/> decides by file extension.</summary>
    public ExampleGenFormat Format { get; init; } = ExampleGenFormat.Auto;

    /// <summary>The CSV field separator. For <c>.tsv</c> files the default <c>,</c> means tab.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>Column kinds to force (by column name); other columns are inferred: Numeric when every non-missing value is a
    /// number (invariant culture), Timestamp for Parquet timestamps and dates, otherwise Text. A value that cannot be read as
    /// its forced kind makes its row malformed.</summary>
    public IReadOnlyDictionary<string, ColumnKind>? ColumnKinds { get; init; }

    /// <summary>The output splits of the hash split and their bucket counts; default <c>train</c> 2 : <c>eval</c> 1.</summary>
    public IReadOnlyList<SplitRatio> Splits { get; init; } = [new("train", 2), new("eval", 1)];

    /// <summary>The column whose value decides a row's split (rows with equal values land in the same split, e.g. a user id);
    /// null = the whole row. Rows where it is missing all land in one split.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>Pre-split inputs: each pattern's files become one output split as they are, and <see cref="Splits"/> and
    /// <see cref="PartitionKey"/> are ignored. Null or empty = one input, hash split.</summary>
    public IReadOnlyList<InputSplit>? InputSplits { get; init; }

    /// <summary>The label column; when set and absent from the data the node fails before writing anything.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>The fraction of malformed rows tolerated. 0 (default): the first malformed row fails the node with file, line
    /// and reason. Above 0: malformed rows are skipped and counted (<c>skipped_rows</c>); the node fails when
    /// skipped / total exceeds the fraction.</summary>
    public double MaxMalformedFraction { get; init; }

    /// <summary>The longest field (CSV field, JSON string) accepted, in characters; a longer one makes its row malformed
    /// without being read into memory. Default 1 MiB.</summary>
    public int MaxFieldLength { get; init; } = DefaultMaxFieldLength;

    /// <summary>Text values read as missing, compared with the value's surrounding whitespace trimmed (ordinal, case-sensitive):
    /// CSV fields, JSON strings and JSON number literals as written, Parquet strings. Default <c>[""]</c>. A value that is empty
    /// or only whitespace is always missing. Add the spellings your export uses, e.g. <c>["", "NA", "null", "?"]</c>; listing
    /// <c>"NaN"</c> makes that token missing instead of a malformed row.</summary>
    public IReadOnlyList<string> MissingValues { get; init; } = [""];

    /// <summary>When true, NaN is read as missing: Parquet floating-point NaN and a <c>NaN</c> token (any case, signed) in a
    /// Numeric or Timestamp column. Default false: NaN makes its row malformed (Parquet: fails the node with the row index),
    /// because it usually means a broken export. Infinities are malformed either way (they poison means and variances);
    /// list a token in <see cref="MissingValues"/> to read it as missing.</summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>The span to process instead of the newest one (TFX's single-span static range); requires <c>{SPAN}</c>
    /// in the input pattern.</summary>
    public int? Span { get; init; }
}
