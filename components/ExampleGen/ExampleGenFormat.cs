namespace Pipelines.Components;

/// <summary>The format of ExampleGen's input files.</summary>
public enum ExampleGenFormat
{
    /// <summary>By file extension: <c>.csv</c>/<c>.tsv</c> (tab-separated) → CSV, <c>.parquet</c> → Parquet,
    /// <c>.json</c>/<c>.jsonl</c>/<c>.ndjson</c> → JSON.</summary>
    Auto,

    /// <summary>Delimited text with a header row, quoting per RFC 4180.</summary>
    Csv,

    /// <summary>Apache Parquet with flat columns.</summary>
    Parquet,

    /// <summary>A JSON array of flat objects, or JSON lines (one object per line); detected from the content.</summary>
    Json,
}
