using System.Text.Json;

namespace Pipelines;

/// <summary>
/// A typed, versioned output of one execution: a directory under the artifact root plus properties,
/// registered in the metadata store (TFX's <c>standard_artifacts</c>).
/// </summary>
/// <remarks>
/// The stored type name is the class name (<see cref="TypeNameOf"/>); renaming an artifact class
/// changes its type in the metadata store. Instances are created by the orchestrator, never by users.
/// </remarks>
public abstract class Artifact
{
    /// <summary>The artifact id in the metadata store.</summary>
    public long Id { get; private set; }

    /// <summary>The absolute path of the artifact's directory.</summary>
    public string Uri { get; private set; } = "";

    /// <summary>Typed properties (span, version, split names, blessed, ...), as JSON values.</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get; private set; } = new Dictionary<string, JsonElement>();

    /// <summary>SHA-256 of the artifact's content once published (null while pending).</summary>
    public string? ContentHash { get; private set; }

    /// <summary>The type name stored in the metadata store for <paramref name="artifactType"/>.</summary>
    public static string TypeNameOf(Type artifactType)
    {
        ArgumentNullException.ThrowIfNull(artifactType);
        return artifactType.Name;
    }

    /// <summary>The type name of this artifact.</summary>
    public string TypeName => TypeNameOf(GetType());

    /// <summary>An integer property, or null when absent.</summary>
    public long? GetInt64(string name) =>
        Properties.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    /// <summary>A floating point property, or null when absent.</summary>
    public double? GetDouble(string name) =>
        Properties.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>An integer property, or null when absent or not an integer.</summary>
    public long? GetLong(string name) =>
        Properties.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    /// <summary>A string property, or null when absent.</summary>
    public string? GetString(string name) =>
        Properties.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Creates an artifact instance of <paramref name="artifactType"/> (used by the orchestrator).</summary>
    public static Artifact Create(Type artifactType, long id, string uri, IReadOnlyDictionary<string, JsonElement> properties, string? contentHash = null)
    {
        ArgumentNullException.ThrowIfNull(artifactType);
        if (!typeof(Artifact).IsAssignableFrom(artifactType) || artifactType.IsAbstract)
        {
            throw new ArgumentException($"{artifactType} is not a concrete artifact type.", nameof(artifactType));
        }

        var artifact = (Artifact)Activator.CreateInstance(artifactType)!;
        artifact.Id = id;
        artifact.Uri = uri;
        artifact.Properties = properties;
        artifact.ContentHash = contentHash;
        return artifact;
    }
}
