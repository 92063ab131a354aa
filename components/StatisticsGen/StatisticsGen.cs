using System.Runtime.CompilerServices;

namespace Pipelines.Components;

/// <summary>
/// Computes per split, per column statistics of examples (TFX StatisticsGen): counts and missing values for every column;
/// min, max, mean, population standard deviation, zeros, integer-ness, deciles and a 10-bucket histogram for numbers and
/// timestamps; distinct count, top 20 values, average length and (up to 1,000 distinct values) full value counts for text.
/// </summary>
/// <remarks>
/// Input <c>examples</c> (<see cref="Examples"/>); output <c>statistics</c> (<see cref="ExampleStatistics"/>: <c>statistics.json</c>,
/// a <see cref="Validation.DatasetStatistics"/>; properties <c>split_names</c> and, when the examples have one, <c>span</c>).
/// Columns are computed in parallel on their raw arrays; quantiles are exact.
/// </remarks>
/// <example>See <c>pipelines/penguin/Program.cs</c>: <c>var statisticsGen = new StatisticsGen(exampleGen.Outputs.Examples);</c></example>
public sealed class StatisticsGen : Component<StatisticsGenOptions>
{
    internal const string ExamplesPort = "examples";
    internal const string StatisticsPort = "statistics";

    /// <summary>Declares the node.</summary>
    /// <param name="examples">The examples to describe, e.g. <c>exampleGen.Outputs.Examples</c>.</param>
    /// <param name="options">Options; null = defaults.</param>
    /// <param name="id">The node id; defaults to <c>StatisticsGen</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public StatisticsGen(
        Channel<Examples> examples,
        StatisticsGenOptions? options = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(options ?? new StatisticsGenOptions(), id, new SourceLocation(file, line))
    {
        DeclareInput(ExamplesPort, examples);
        Outputs = new StatisticsGenOutputs(DeclareOutput<ExampleStatistics>(StatisticsPort));
    }

    /// <summary>The output channels.</summary>
    public StatisticsGenOutputs Outputs { get; }

    /// <inheritdoc />
    public override string Version => "1";

    /// <inheritdoc />
    protected override IExecutor<StatisticsGenOptions> CreateExecutor() => new StatisticsGenExecutor();
}
