namespace Pipelines.Serving;

/// <summary>What a loaded model is: the served name and version, the <see cref="Model"/> artifact and its recorded hash.</summary>
/// <param name="Name">The served model name.</param>
/// <param name="Version">The pushed version (0 for a model served straight from a directory, as InfraValidator does).</param>
/// <param name="ArtifactId">The Model artifact id.</param>
/// <param name="ContentHash">The content hash recorded in the metadata store.</param>
public sealed record ModelIdentity(string Name, int Version, long ArtifactId, string ContentHash);
