namespace Pipelines.Orchestration;

/// <summary>
/// The root folder of artifact payloads (a shared mount when several machines run workers). Each output artifact gets its own
/// directory <c>&lt;root&gt;/&lt;pipeline&gt;/&lt;node&gt;/&lt;port&gt;/&lt;execution&gt;-&lt;attempt&gt;</c>; URIs outside the root are rejected.
/// </summary>
public sealed class ArtifactStore
{
    private readonly string _rootWithSeparator;

    /// <summary>Creates the store over <paramref name="root"/> (created if needed).</summary>
    public ArtifactStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _rootWithSeparator = Root.EndsWith(Path.DirectorySeparatorChar) ? Root : Root + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(Root);
    }

    /// <summary>The absolute root folder.</summary>
    public string Root { get; }

    /// <summary>The directory for a new output artifact.</summary>
    public string NewArtifactUri(string pipeline, string nodeId, string port, long executionId, int attempt) =>
        Resolve(Path.Combine(Root, Safe(pipeline), Safe(nodeId), Safe(port), $"{executionId}-{attempt}"));

    /// <summary>Checks that <paramref name="uri"/> lies inside the root and returns it as an absolute path.</summary>
    /// <exception cref="InvalidOperationException">The URI escapes the root.</exception>
    public string Resolve(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        var full = Path.GetFullPath(uri, Root);
        if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Artifact URI '{uri}' is outside the artifact root '{Root}'; refusing to read or write it.");
        }

        return full;
    }

    /// <summary>Creates an empty directory for a pending artifact, removing leftovers of an earlier crashed attempt.</summary>
    public string PrepareDirectory(string uri)
    {
        var path = Resolve(uri);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The content hash of a directory (<see cref="DirectoryHash"/>).</summary>
    public static Task<(string Hash, long Size)> HashDirectoryAsync(string directory, CancellationToken cancellationToken) =>
        DirectoryHash.ComputeAsync(directory, cancellationToken);

    private static string Safe(string segment)
    {
        if (segment.Length == 0 || segment is "." or ".." || segment.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new InvalidOperationException($"'{segment}' cannot be used in an artifact path: use letters, digits, '-', '_' or '.'.");
        }

        return segment;
    }
}
