using System.Runtime.CompilerServices;

namespace Pipelines.Components;

/// <summary>
/// Checks statistics against the schema, and against the previous span's statistics for drift and size changes, and fails the
/// node on errors (TFX ExampleValidator plus DistributionValidator, gating by default: DN-5). The checks are listed in
/// <see cref="StatisticsValidator"/>.
/// </summary>
/// <remarks>
/// Inputs <c>statistics</c> (<see cref="ExampleStatistics"/>) and <c>schema</c> (<see cref="Schema"/>); resolved input
/// <c>baseline_statistics</c>: the live statistics of the same producer with the highest span below the current one, or, without
/// spans, the newest earlier statistics of different content (<see cref="PreviousSpanStatisticsResolver"/>; none on a first run,
/// and then drift and size checks are skipped).
/// Output <c>anomalies</c> (<see cref="ExampleAnomalies"/>: <c>anomalies.json</c>, a <see cref="Validation.AnomalyReport"/>;
/// properties <c>errors</c>, <c>warnings</c>, <c>blessed</c> (1 when there is no error, else 0), <c>statistics_id</c> (the
/// statistics artifact judged), <c>split_names</c>, <c>span</c>). When the node fails on errors, the <c>anomalies</c> output is
/// complete and is published with the failed execution (<see cref="DataValidationException.OutputsToPublish"/>), so the
/// report can be read; nothing downstream runs.
/// </remarks>
/// <example>See <c>pipelines/penguin/Program.cs</c>:
/// <c>var validator = new ExampleValidator(statisticsGen.Outputs.Statistics, schemaGen.Outputs.Schema);</c></example>
public sealed class ExampleValidator : Component<ExampleValidatorOptions>
{
    /// <summary>The resolved input port holding the previous span's statistics.</summary>
    public const string BaselineStatisticsPort = "baseline_statistics";

    /// <summary>The optional port of the served requests' statistics (skew check).</summary>
    public const string ServingStatisticsPort = "serving_statistics";

    internal const string StatisticsPort = "statistics";
    internal const string SchemaPort = "schema";
    internal const string AnomaliesPort = "anomalies";

    /// <summary>Declares the node.</summary>
    /// <param name="statistics">The statistics to check, e.g. <c>statisticsGen.Outputs.Statistics</c>.</param>
    /// <param name="schema">The schema, e.g. <c>schemaGen.Outputs.Schema</c>.</param>
    /// <param name="options">Options; null = defaults (fail on errors).</param>
    /// <param name="servingStatistics">Optional: statistics of served requests (StatisticsGen over ExampleGen reading the model
    /// server's <c>--log-requests</c> files); the training data's reference split is compared with them per feature using the
    /// schema's <c>skew</c> thresholds (else its <c>drift</c> ones), and a difference beyond them is a
    /// <see cref="Validation.AnomalyKind.TrainingServingSkew"/> error.</param>
    /// <param name="id">The node id; defaults to <c>ExampleValidator</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public ExampleValidator(
        Channel<ExampleStatistics> statistics,
        Channel<Schema> schema,
        ExampleValidatorOptions? options = null,
        Channel<ExampleStatistics>? servingStatistics = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(options ?? new ExampleValidatorOptions(), id, new SourceLocation(file, line))
    {
        DeclareInput(StatisticsPort, statistics);
        DeclareInput(SchemaPort, schema);
        DeclareInput(ServingStatisticsPort, servingStatistics, required: false);
        Outputs = new ExampleValidatorOutputs(DeclareOutput<ExampleAnomalies>(AnomaliesPort));
    }

    /// <summary>The output channels.</summary>
    public ExampleValidatorOutputs Outputs { get; }

    // 2: dataset-level anomalies (inferred schema, total size change), the blessed and statistics_id properties, a baseline
    // without spans chosen by content.

    /// <inheritdoc />
    // 3: training/serving skew against an optional serving_statistics input.
    public override string Version => "3";

    /// <summary>The <c>baseline_statistics</c> port, resolved from whatever is wired to <c>statistics</c> when asked
    /// (so a later <see cref="Component.Connect"/> is honoured).</summary>
    public override IReadOnlyList<ResolvedInputPort> ResolvedInputPorts
    {
        get
        {
            var channel = InputPorts.First(p => p.Name == StatisticsPort).Channel;
            return channel is null
                ? []
                : [new ResolvedInputPort(BaselineStatisticsPort, typeof(ExampleStatistics), new PreviousSpanStatisticsResolver(channel.Producer.Id, channel.Port))];
        }
    }

    /// <inheritdoc />
    protected override IExecutor<ExampleValidatorOptions> CreateExecutor() => new ExampleValidatorExecutor();
}
