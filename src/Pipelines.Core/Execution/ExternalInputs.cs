namespace Pipelines;

/// <summary>Files a node reads from outside the artifact store, and facts resolved from them (span, version).
/// Both enter the cache fingerprint, so new or changed data never hits a stale cache.</summary>
/// <param name="Files">The files, in the order the executor reads them.</param>
/// <param name="Facts">Resolved facts, e.g. <c>span</c> = <c>3</c>.</param>
public sealed record ExternalInputs(IReadOnlyList<ExternalFile> Files, IReadOnlyDictionary<string, string> Facts)
{
    /// <summary>No external inputs.</summary>
    public static ExternalInputs None { get; } = new([], new Dictionary<string, string>());
}

/// <summary>The identity of one external file.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="LastWriteTimeUtc">Modification time.</param>
/// <param name="ContentHash">SHA-256 (hex) of the content, when computed.</param>
public sealed record ExternalFile(string Path, long Length, DateTime LastWriteTimeUtc, string? ContentHash = null)
{
    /// <summary>Reads a file's identity (size and modification time; no content hash).</summary>
    public static ExternalFile Of(string path)
    {
        var info = new FileInfo(path);
        return new ExternalFile(info.FullName, info.Length, info.LastWriteTimeUtc);
    }
}
