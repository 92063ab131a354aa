using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>What a worker needs to run one node: the execution row and its run.</summary>
/// <param name="Execution">The execution.</param>
/// <param name="Run">The run context.</param>
/// <param name="PipelineName">The pipeline name.</param>
public sealed record NodeSnapshot(ExecutionRecord Execution, ContextRecord Run, string PipelineName);
