namespace Pipelines;

/// <summary>Maps stored artifact type names back to the artifact classes of this assembly.</summary>
public static class ArtifactTypes
{
    private static readonly Dictionary<string, Type> s_byName = typeof(Artifact).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(Artifact).IsAssignableFrom(t))
        .ToDictionary(t => Artifact.TypeNameOf(t), StringComparer.Ordinal);

    /// <summary>The class for a stored type name.</summary>
    /// <exception cref="KeyNotFoundException">Unknown type name.</exception>
    public static Type Resolve(string typeName) =>
        s_byName.TryGetValue(typeName, out var t) ? t : throw new KeyNotFoundException($"Unknown artifact type '{typeName}'.");
}
