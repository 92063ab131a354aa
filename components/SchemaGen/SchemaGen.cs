using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Pipelines.Components;

/// <summary>
/// Produces the data schema: the curated <c>schemas/&lt;pipeline&gt;.schema.json</c> when it exists (parsed and validated), else
/// a schema inferred from the statistics (TFX SchemaGen; with the curated file it plays TFX's ImportSchemaGen, see DN-6).
/// </summary>
/// <remarks>
/// Input <c>statistics</c> (<see cref="ExampleStatistics"/>); output <c>schema</c> (<see cref="Schema"/>: <c>schema.json</c>, a
/// <see cref="Validation.DataSchema"/> whose <c>source</c> member is <c>curated</c> or <c>inferred</c>; property <c>schema_source</c>,
/// the same value).
/// The curated file is an external input: its SHA-256 and the fact <c>schema_source</c> enter the cache key, so creating,
/// editing or deleting it re-runs the node. Inference rules are in <see cref="SchemaInference"/>; the format in <c>schemas/README.md</c>.
/// </remarks>
/// <example>See <c>pipelines/penguin/Program.cs</c>:
/// <c>var schemaGen = new SchemaGen(statisticsGen.Outputs.Statistics, new SchemaGenOptions { LabelColumn = "Species" });</c></example>
public sealed class SchemaGen : Component<SchemaGenOptions>
{
    /// <summary>The external fact naming where the schema comes from.</summary>
    public const string SchemaSourceFact = "schema_source";

    /// <summary><see cref="SchemaSourceFact"/> value: the curated file is used.</summary>
    public const string Curated = "curated";

    /// <summary><see cref="SchemaSourceFact"/> value: the schema is inferred.</summary>
    public const string Inferred = "inferred";

    internal const string StatisticsPort = "statistics";
    internal const string SchemaPort = "schema";

    /// <summary>Declares the node.</summary>
    /// <param name="statistics">The statistics to infer from, e.g. <c>statisticsGen.Outputs.Statistics</c>.</param>
    /// <param name="options">Options; null = defaults.</param>
    /// <param name="id">The node id; defaults to <c>SchemaGen</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public SchemaGen(
        Channel<ExampleStatistics> statistics,
        SchemaGenOptions? options = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(Check(options ?? new SchemaGenOptions()), id, new SourceLocation(file, line))
    {
        DeclareInput(StatisticsPort, statistics);
        Outputs = new SchemaGenOutputs(DeclareOutput<Schema>(SchemaPort));
    }

    /// <summary>The output channels.</summary>
    public SchemaGenOutputs Outputs { get; }

    // 2: schema.json records "source" (inferred | curated).

    /// <inheritdoc />
    public override string Version => "2";

    /// <inheritdoc />
    protected override SchemaGenOptions BindParameters(BindingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = Options.CuratedSchemaPath is { } p
            ? Path.GetFullPath(p)
            : Path.Combine(context.SchemaDirectory, context.PipelineName + ".schema.json");
        return Options with { CuratedSchemaPath = path };
    }

    /// <inheritdoc />
    protected override async Task<ExternalInputs> ResolveExternalInputsAsync(SchemaGenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CuratedSchemaPath is not { } path || !File.Exists(path))
        {
            return new ExternalInputs([], new Dictionary<string, string> { [SchemaSourceFact] = Inferred });
        }

        var info = new FileInfo(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        byte[] hash;
        await using (stream.ConfigureAwait(false))
        {
            hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        var external = new ExternalFile(info.FullName, info.Length, info.LastWriteTimeUtc, Convert.ToHexStringLower(hash));
        return new ExternalInputs([external], new Dictionary<string, string> { [SchemaSourceFact] = Curated });
    }

    /// <inheritdoc />
    protected override IExecutor<SchemaGenOptions> CreateExecutor() => new SchemaGenExecutor();

    private static SchemaGenOptions Check(SchemaGenOptions options)
    {
        if (options.MaxDomainSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDomainSize,
                $"SchemaGenOptions.MaxDomainSize is {options.MaxDomainSize}; use 0 (no domains) or more.");
        }

        if (options.DriftThreshold is { } d && (double.IsNaN(d) || d < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), d,
                $"SchemaGenOptions.DriftThreshold is {d}; use a value from 0 to 1, or null for no drift checks.");
        }

        if (options.Task is not null && string.IsNullOrWhiteSpace(options.LabelColumn))
        {
            throw new ArgumentException("SchemaGenOptions.Task is set but SchemaGenOptions.LabelColumn is not; name the label column.", nameof(options));
        }

        return options;
    }
}
