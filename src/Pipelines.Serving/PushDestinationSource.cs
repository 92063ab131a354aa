using Pipelines.Metadata;

namespace Pipelines.Serving;

/// <summary>
/// Serves the versions the Pusher wrote under a push destination (<see cref="PushLayout"/>). A version is served only when the
/// promotion log records it (pushed by a run, or a rollback) for the same model artifact, and the hash to check is the one the
/// metadata store recorded when that model was trained, never the one in the version's own manifest.
/// </summary>
public sealed class PushDestinationSource(string destination, IReadOnlyList<string> onlyNames, MetadataStore store) : IModelSource
{
    /// <inheritdoc />
    public IReadOnlyList<string> ModelNames() => onlyNames.Count > 0 ? onlyNames : PushLayout.ModelNames(destination);

    /// <inheritdoc />
    public IReadOnlyList<int> Versions(string name) => PushLayout.Versions(destination, name);

    /// <inheritdoc />
    public async Task<(string Directory, ModelIdentity Identity)> ResolveAsync(string name, int version, CancellationToken cancellationToken)
    {
        var directory = PushLayout.VersionDirectory(destination, name, version);
        PushManifest manifest;
        try
        {
            manifest = await PushManifest.ReadAsync(directory, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new ModelLoadException(e.Message, e);
        }

        if (manifest.ModelName != name || manifest.Version != version)
        {
            throw new ModelLoadException($"'{directory}' holds a manifest for {manifest.ModelName} version {manifest.Version}, not {name} version {version}: the folder was copied or renamed by hand.");
        }

        if (await PromotionLog.FindAsync(store, name, version, manifest.ModelArtifactId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ModelNotReadyException(
                $"{name} version {version} (model artifact {manifest.ModelArtifactId}) is not in the promotion log of {store.Options.Redacted()}: its push has not finished (the Pusher's node commits it), or it was copied in by hand; it is served once the log records it.");
        }

        var recorded = await PromotionLog.RecordedModelHashAsync(store, manifest.ModelArtifactId, cancellationToken).ConfigureAwait(false)
            ?? throw new ModelLoadException($"The metadata store has no live Model artifact {manifest.ModelArtifactId} with a content hash, so {name} version {version} cannot be verified.");
        return (Path.Combine(directory, PushLayout.ModelFolder), new ModelIdentity(name, version, manifest.ModelArtifactId, recorded));
    }

    /// <inheritdoc />
    public string Describe() => $"{destination} (verified against {store.Options.Redacted()})";
}
