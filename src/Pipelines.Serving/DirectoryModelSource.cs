namespace Pipelines.Serving;

/// <summary>
/// Serves one model directory as version 0 of one name: what InfraValidator starts the server with for a candidate that is not
/// pushed yet. The expected hash is the one the metadata store recorded for the candidate, passed by the caller who read it.
/// </summary>
public sealed class DirectoryModelSource(string name, string directory, long artifactId, string expectedHash) : IModelSource
{
    /// <inheritdoc />
    public IReadOnlyList<string> ModelNames() => [name];

    /// <inheritdoc />
    public IReadOnlyList<int> Versions(string modelName) => modelName == name ? [0] : [];

    /// <inheritdoc />
    public Task<(string Directory, ModelIdentity Identity)> ResolveAsync(string modelName, int version, CancellationToken cancellationToken) =>
        Task.FromResult((directory, new ModelIdentity(name, 0, artifactId, expectedHash)));

    /// <inheritdoc />
    public string Describe() => directory;
}
