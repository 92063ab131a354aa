using System.Security.Cryptography;
using System.Text;

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

    /// <summary>
    /// SHA-256 over the directory's files (relative path, length and bytes, in ordinal path order) and their total size.
    /// Equal content gives equal hashes wherever the directory lives, so downstream fingerprints follow content, not ids.
    /// </summary>
    public static async Task<(string Hash, long Size)> HashDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(directory, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        var buffer = new byte[1 << 20];
        foreach (var (full, relative) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            hash.AppendData(Encoding.UTF8.GetBytes(relative));
            await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: false);
            hash.AppendData(BitConverter.GetBytes(stream.Length));
            total += stream.Length;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), total);
    }

    private static string Safe(string segment)
    {
        if (segment.Length == 0 || segment is "." or ".." || segment.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new InvalidOperationException($"'{segment}' cannot be used in an artifact path: use letters, digits, '-', '_' or '.'.");
        }

        return segment;
    }
}
