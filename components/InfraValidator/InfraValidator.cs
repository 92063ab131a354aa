using System.Runtime.CompilerServices;

namespace Pipelines.Components;

/// <summary>
/// Tests a candidate model in the production model server before it is pushed (TFX InfraValidator; IV-1..4): starts the
/// server as a separate child process on a free loopback port with the candidate, waits until it is ready, sends canary
/// requests built from the eval split, and checks that every request succeeds, that the served predictions equal the
/// in-process ones for the same rows (training/serving skew), and that the p99 latency is within a bound. The child process is
/// stopped whatever happened.
/// </summary>
/// <remarks>
/// Inputs <c>model</c> (<see cref="Model"/>) and <c>examples</c> (<see cref="Examples"/>, raw; split
/// <see cref="InfraValidatorOptions.EvalSplit"/>). Output <c>blessing</c> (<see cref="InfraBlessing"/>): <c>INFRA_BLESSED</c> or
/// <c>INFRA_NOT_BLESSED</c> with the reason, and <c>infra_validation.json</c> (latencies, mismatches); properties
/// <c>blessed</c> (1/0), <c>reason</c> (<c>failed to load</c>, <c>timed out</c>, <c>request failed</c>, <c>wrong predictions</c>,
/// <c>too slow</c>, with details), <c>model_id</c>, <c>p50_ms</c>, <c>p99_ms</c>. Not blessed is not an error: the Pusher
/// reads the blessing.
/// </remarks>
public sealed class InfraValidator : Component<InfraValidatorOptions>
{
    internal const string ModelPort = "model";
    internal const string ExamplesPort = "examples";
    internal const string BlessingPort = "blessing";

    /// <summary>Declares the node.</summary>
    /// <param name="model">The candidate, e.g. <c>trainer.Outputs.Model</c>.</param>
    /// <param name="examples">Raw examples, e.g. <c>exampleGen.Outputs.Examples</c>.</param>
    /// <param name="options">Options; null = defaults.</param>
    /// <param name="id">The node id; defaults to <c>InfraValidator</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public InfraValidator(
        Channel<Model> model,
        Channel<Examples> examples,
        InfraValidatorOptions? options = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(options ?? new InfraValidatorOptions(), id, new SourceLocation(file, line))
    {
        if (Options.CanaryRows < 1 || Options.Requests < 1 || Options.MaxP99LatencyMs <= 0 || Options.StartupTimeoutSeconds <= 0 || Options.Tolerance < 0)
        {
            throw new PipelineDefinitionException(
                $"Node '{Id}' ({DefinedAt}): InfraValidatorOptions need CanaryRows >= 1, Requests >= 1, MaxP99LatencyMs > 0, StartupTimeoutSeconds > 0 and Tolerance >= 0.");
        }

        DeclareInput(ModelPort, model);
        DeclareInput(ExamplesPort, examples);
        Outputs = new InfraValidatorOutputs(DeclareOutput<InfraBlessing>(BlessingPort));
    }

    /// <summary>The output channels.</summary>
    public InfraValidatorOutputs Outputs { get; }

    /// <inheritdoc />
    public override string Version => "1";

    /// <inheritdoc />
    protected override IExecutor<InfraValidatorOptions> CreateExecutor() => new InfraValidatorExecutor();
}
