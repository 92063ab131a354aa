namespace Pipelines.Components;

/// <summary>Options of an <see cref="InfraValidator"/>.</summary>
public sealed record InfraValidatorOptions
{
    /// <summary>The split the canary rows come from.</summary>
    public string EvalSplit { get; init; } = "eval";

    /// <summary>How many rows (the first of the split) are sent as canaries; each prediction is compared with the in-process one.</summary>
    public int CanaryRows { get; init; } = 32;

    /// <summary>How many single-instance requests are sent in all (the canary rows cycled) to measure latency.</summary>
    public int Requests { get; init; } = 200;

    /// <summary>The bound on the 99th percentile request latency, in milliseconds (client-measured, loopback).</summary>
    public double MaxP99LatencyMs { get; init; } = 50;

    /// <summary>How long the server may take to load the model and start listening, in seconds.</summary>
    public double StartupTimeoutSeconds { get; init; } = 60;

    /// <summary>Largest accepted difference between a served and an in-process score (relative to max(1, |score|)).</summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>
    /// The command that starts the model server (program and leading arguments; <c>serve --model-dir ...</c> is appended).
    /// Null = this pipeline's own program, whose <c>serve</c> verb is the production server.
    /// </summary>
    public IReadOnlyList<string>? ServerCommand { get; init; }
}
