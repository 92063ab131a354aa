namespace Pipelines;

/// <summary>Finds input artifacts in the metadata store (TFX resolver: previous span's statistics, latest blessed model).</summary>
public interface IInputResolver
{
    /// <summary>Returns the artifacts to feed the port (empty when none exists yet).</summary>
    Task<IReadOnlyList<Artifact>> ResolveAsync(InputResolutionContext context, CancellationToken cancellationToken);
}

/// <summary>What a resolver knows: the node, its wired inputs, and a read-only view of the metadata store.</summary>
/// <param name="PipelineName">The pipeline.</param>
/// <param name="NodeId">The node being resolved.</param>
/// <param name="RunId">The current run.</param>
/// <param name="WiredInputs">The node's wired input artifacts by port.</param>
/// <param name="Query">Read access to published artifacts.</param>
public sealed record InputResolutionContext(
    string PipelineName,
    string NodeId,
    long RunId,
    IReadOnlyDictionary<string, IReadOnlyList<Artifact>> WiredInputs,
    IArtifactQuery Query);

/// <summary>Read access to live artifacts in the metadata store.</summary>
public interface IArtifactQuery
{
    /// <summary>Live artifacts written to <paramref name="outputPort"/> by node <paramref name="producerNodeId"/> of a pipeline,
    /// newest first, excluding those of run <paramref name="excludeRunId"/>.</summary>
    Task<IReadOnlyList<ProducedArtifact>> FindLiveOutputsAsync(
        string pipelineName, string producerNodeId, string outputPort, long excludeRunId, CancellationToken cancellationToken);

    /// <summary>A live artifact by id (null when unknown or not live), typed by its stored type.</summary>
    Task<Artifact?> GetLiveArtifactAsync(long artifactId, CancellationToken cancellationToken);
}

/// <summary>A live artifact and the run that produced it.</summary>
/// <param name="Artifact">The artifact.</param>
/// <param name="RunId">The producing run.</param>
/// <param name="CreatedAt">When it was published.</param>
public sealed record ProducedArtifact(Artifact Artifact, long RunId, DateTimeOffset CreatedAt);
