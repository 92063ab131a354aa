using System.Security.Cryptography;
using System.Text;

namespace Pipelines;

/// <summary>
/// The content hash of an artifact directory, as the metadata store records it: SHA-256 over the files (relative path, length
/// and bytes, in ordinal path order). Equal content gives equal hashes wherever the directory lives, so a copy (a pushed model)
/// can be checked against the hash recorded when the artifact was produced.
/// </summary>
public static class DirectoryHash
{
    /// <summary>Hashes <paramref name="directory"/>; also returns the total size in bytes.</summary>
    public static async Task<(string Hash, long Size)> ComputeAsync(string directory, CancellationToken cancellationToken)
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
}
