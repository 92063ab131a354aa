namespace Pipelines.Metadata;

/// <summary>An artifact's lineage: the documented <c>lineage --json</c> shape.</summary>
/// <param name="Artifact">The artifact asked about.</param>
/// <param name="Upstream">Executions that led to it, nearest first (what produced it, from what inputs, recursively).</param>
/// <param name="Downstream">Executions that used it or what was derived from it, nearest first.</param>
public sealed record Lineage(ArtifactSummary Artifact, IReadOnlyList<LineageStep> Upstream, IReadOnlyList<LineageStep> Downstream);

/// <summary>One execution in a lineage walk, with its inputs and outputs.</summary>
/// <param name="ExecutionId">Execution id.</param>
/// <param name="RunId">Its run.</param>
/// <param name="NodeId">Its node.</param>
/// <param name="State">Its state.</param>
/// <param name="Depth">Hops from the artifact asked about.</param>
/// <param name="Inputs">Input artifacts (port, id, type).</param>
/// <param name="Outputs">Output artifacts (port, id, type).</param>
/// <param name="ExternalFiles">Files read from outside the artifact store (ExampleGen's data, a curated schema), with size and hash.</param>
public sealed record LineageStep(
    long ExecutionId,
    long RunId,
    string NodeId,
    ExecutionState State,
    int Depth,
    IReadOnlyList<LineageEdge> Inputs,
    IReadOnlyList<LineageEdge> Outputs,
    IReadOnlyList<ExternalFile> ExternalFiles);

/// <summary>An artifact on a port of a lineage step.</summary>
/// <param name="Port">Port name.</param>
/// <param name="ArtifactId">Artifact id.</param>
/// <param name="Type">Artifact type.</param>
/// <param name="Uri">Artifact directory.</param>
public sealed record LineageEdge(string Port, long ArtifactId, string Type, string Uri);
