using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// Reads CSV, JSON or Parquet files from outside the pipeline and writes them as <see cref="Examples"/> split into
/// <c>train</c>/<c>eval</c> (TFX ExampleGen): the entry point of every pipeline.
/// </summary>
/// <remarks>
/// <para>Input: <see cref="ExampleGenOptions.Input"/>, a file or a directory, optionally with <c>{SPAN}</c>/<c>{VERSION}</c>
/// (the newest span is read). The files are resolved and hashed (SHA-256) before the cache lookup, so new or changed data
/// never hits a stale cache.</para>
/// <para>Output <c>examples</c>: <c>Split-&lt;name&gt;/</c> per split in the columnar format of <see cref="ColumnarFormat"/>;
/// properties <c>split_names</c>, <c>span</c> and <c>version</c> (only when the pattern has <c>{SPAN}</c> / <c>{VERSION}</c>), <c>row_count</c>,
/// <c>row_count_&lt;split&gt;</c> and <c>skipped_rows</c>. Rows are assigned to splits by a hash of the row (or of
/// <see cref="ExampleGenOptions.PartitionKey"/>) into buckets, so the same row always lands in the same split.</para>
/// <para>Missing values stay missing (an empty or whitespace-only field is never 0; see
/// <see cref="ExampleGenOptions.MissingValues"/>); NaN and infinities are malformed, not silently missing. Bad input fails the node with
/// <see cref="MalformedInputException"/> (file, line, reason) or <see cref="DataValidationException"/>.</para>
/// </remarks>
/// <example>See <c>pipelines/penguin/Program.cs</c>:
/// <code>var input = new PipelineParameter("input", "data/penguins.csv");
/// var exampleGen = new ExampleGen(input, new ExampleGenOptions { LabelColumn = "species" });
/// var statisticsGen = new StatisticsGen(exampleGen.Outputs.Examples);</code></example>
public sealed class ExampleGen : Component<ExampleGenOptions>
{
    internal const string ExamplesPort = "examples";

    private readonly PipelineParameter? _input;

    /// <summary>Declares the node reading the path given by a pipeline parameter.</summary>
    /// <param name="input">The parameter holding the input path (see <see cref="ExampleGenOptions.Input"/>).</param>
    /// <param name="options">Options; null = defaults. Its <see cref="ExampleGenOptions.Input"/> is replaced by the parameter.</param>
    /// <param name="id">The node id; defaults to <c>ExampleGen</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public ExampleGen(
        PipelineParameter input,
        ExampleGenOptions? options = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base((options ?? new ExampleGenOptions()) with { Input = (input ?? throw new ArgumentNullException(nameof(input))).DefaultValue }, id, new SourceLocation(file, line))
    {
        _input = input;
        Validate(requireInput: false);
        Outputs = new ExampleGenOutputs(DeclareOutput<Examples>(ExamplesPort));
    }

    /// <summary>Declares the node reading a fixed path.</summary>
    /// <param name="input">The input path (see <see cref="ExampleGenOptions.Input"/>); relative to the current directory.</param>
    /// <param name="options">Options; null = defaults. Its <see cref="ExampleGenOptions.Input"/> is replaced by <paramref name="input"/>.</param>
    /// <param name="id">The node id; defaults to <c>ExampleGen</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public ExampleGen(
        string input,
        ExampleGenOptions? options = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base((options ?? new ExampleGenOptions()) with { Input = input ?? throw new ArgumentNullException(nameof(input)) }, id, new SourceLocation(file, line))
    {
        Validate(requireInput: true);
        Outputs = new ExampleGenOutputs(DeclareOutput<Examples>(ExamplesPort));
    }

    /// <summary>The output channels.</summary>
    public ExampleGenOutputs Outputs { get; }

    /// <inheritdoc />
    public override string Version => "2";

    /// <inheritdoc />
    // The input is a path: `run` resolves a relative value against its own directory, not a worker's.
    public override IReadOnlyList<PipelineParameter> Parameters => _input is null ? [] : [_input with { IsPath = true }];

    /// <inheritdoc />
    protected override ExampleGenOptions BindParameters(BindingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = _input?.Resolve(context.ParameterValues) ?? Options.Input;
        if (string.IsNullOrWhiteSpace(raw))
        {
            throw new DataValidationException(
                $"Node '{Id}' ({DefinedAt}): the input path is empty. Pass it with --param {_input?.Name ?? "input"}=<file or directory>.");
        }

        // Sorted (kinds, missing values) so that equal options serialize to equal JSON (the cache fingerprint).
        var kinds = Options.ColumnKinds is null
            ? null
            : new SortedDictionary<string, ColumnKind>(Options.ColumnKinds.ToDictionary(), StringComparer.Ordinal);
        var missing = Options.MissingValues.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return Options with { Input = Path.GetFullPath(raw), ColumnKinds = kinds, MissingValues = missing };
    }

    /// <inheritdoc />
    protected override IExecutor<ExampleGenOptions> CreateExecutor() => new ExampleGenExecutor();

    /// <inheritdoc />
    protected override Task<ExternalInputs> ResolveExternalInputsAsync(ExampleGenOptions options, CancellationToken cancellationToken) =>
        ExampleGenInputResolver.ResolveAsync(options, cancellationToken);

    private void Validate(bool requireInput)
    {
        var o = Options;
        if (requireInput && string.IsNullOrWhiteSpace(o.Input))
        {
            Fail("input", "is empty; pass a file or directory path");
        }

        if (o.InputSplits is { Count: > 0 })
        {
            CheckSplitNames(nameof(o.InputSplits), o.InputSplits.Select(s => s.Name));
            foreach (var s in o.InputSplits.Where(s => string.IsNullOrWhiteSpace(s.Pattern)))
            {
                Fail(nameof(o.InputSplits), $"split '{s.Name}' has an empty pattern");
            }
        }
        else
        {
            if (o.Splits is null || o.Splits.Count == 0)
            {
                Fail(nameof(o.Splits), "is empty; give at least one split, e.g. [new(\"train\", 2), new(\"eval\", 1)]");
            }

            CheckSplitNames(nameof(o.Splits), o.Splits.Select(s => s.Name));
            foreach (var s in o.Splits.Where(s => s.Buckets <= 0))
            {
                Fail(nameof(o.Splits), $"split '{s.Name}' has {s.Buckets} buckets; each split needs at least 1");
            }

            if (o.Splits.Count > 100)
            {
                Fail(nameof(o.Splits), $"has {o.Splits.Count} splits; at most 100 are supported");
            }

            if (o.Splits.Sum(s => (long)s.Buckets) > 1_000_000)
            {
                Fail(nameof(o.Splits), "has more than 1,000,000 buckets in total; use smaller ratios such as 8:1:1");
            }
        }

        if (o.PartitionKey is { Length: 0 })
        {
            Fail(nameof(o.PartitionKey), "is empty; give a column name or leave it null to hash whole rows");
        }

        if (o.LabelColumn is { Length: 0 })
        {
            Fail(nameof(o.LabelColumn), "is empty; give a column name or leave it null");
        }

        if (double.IsNaN(o.MaxMalformedFraction) || o.MaxMalformedFraction < 0 || o.MaxMalformedFraction > 1)
        {
            Fail(nameof(o.MaxMalformedFraction), $"is {o.MaxMalformedFraction}; it must be between 0 and 1");
        }

        if (o.MaxFieldLength <= 0)
        {
            Fail(nameof(o.MaxFieldLength), $"is {o.MaxFieldLength}; it must be positive");
        }

        if (o.Separator is '"' or '\r' or '\n')
        {
            Fail(nameof(o.Separator), "cannot be a quote or a line break");
        }

        if (o.MissingValues is null)
        {
            Fail(nameof(o.MissingValues), "is null; leave it at its default [\"\"] or list the spellings of missing values");
        }

        if (o.MissingValues.Any(v => v is null))
        {
            Fail(nameof(o.MissingValues), "contains null; list strings, e.g. [\"\", \"NA\"]");
        }

        if (o.MissingValues.Any(v => v.Length > 256))
        {
            Fail(nameof(o.MissingValues), "contains a value longer than 256 characters; list short missing-value markers such as \"NA\"");
        }

        if (o.Span is < 0)
        {
            Fail(nameof(o.Span), $"is {o.Span}; spans are non-negative");
        }
    }

    private void CheckSplitNames(string option, IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\', ':', '*', '?', '"', '<', '>', '|']) >= 0)
            {
                Fail(option, $"has an invalid split name '{name}'; use letters, digits, '-' or '_'");
            }

            if (!seen.Add(name))
            {
                Fail(option, $"names split '{name}' twice");
            }
        }
    }

    [DoesNotReturn]
    private void Fail(string option, string problem) =>
        throw new ArgumentException($"Node '{Id}' ({DefinedAt}): option {option} {problem}.", nameof(ExampleGenOptions));
}
