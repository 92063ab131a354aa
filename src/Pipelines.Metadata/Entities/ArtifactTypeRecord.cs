namespace Pipelines.Metadata;

/// <summary>A registered artifact type (MLMD ArtifactType).</summary>
public sealed class ArtifactTypeRecord
{
    /// <summary>Id.</summary>
    public int Id { get; set; }

    /// <summary>Stable type name (<see cref="Artifact.TypeNameOf"/>).</summary>
    public required string Name { get; set; }
}
