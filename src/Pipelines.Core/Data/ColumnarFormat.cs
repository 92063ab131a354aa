using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Data;

/// <summary>
/// Reads and writes one split directory in the columnar binary format.
/// </summary>
/// <remarks>
/// Layout of a split directory:
/// <list type="bullet">
/// <item><c>columns.json</c>: <c>{"format":"pipelines-columnar","version":1,"rowCount":N,"columns":[{"name","kind","file"}]}</c></item>
/// <item>Numeric/Timestamp column file <c>cNNN.f64</c>: N little-endian IEEE doubles; NaN = missing.</item>
/// <item>Text column file <c>cNNN.txt</c>: int32 dictionary size D, then D × (int32 UTF-8 byte length, bytes), then N int32 codes; -1 = missing.</item>
/// </list>
/// Everything little-endian. Loading is a memory copy (no text parsing); <see cref="ColumnarDataView"/> exposes a table to ML.NET.
/// </remarks>
public static class ColumnarFormat
{
    /// <summary>The manifest file name.</summary>
    public const string ManifestFileName = "columns.json";

    private const string FormatName = "pipelines-columnar";
    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    /// <summary>Writes <paramref name="table"/> into <paramref name="directory"/> (created if needed).</summary>
    public static Task WriteAsync(ColumnarTable table, string directory, CancellationToken cancellationToken) =>
        WriteAsync(table, null, directory, cancellationToken);

    /// <summary>
    /// Writes the rows <paramref name="rows"/> of <paramref name="table"/> (all when null) into <paramref name="directory"/>:
    /// the same files as writing <c>table.Gather(rows)</c>, gathered through a small buffer as they are written instead of
    /// into a copy of the table (ExampleGen's splits: ≈ 100 MB of large-object allocations less for the 3M flights rows).
    /// </summary>
    public static async Task WriteAsync(ColumnarTable table, int[]? rows, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        Directory.CreateDirectory(directory);
        var entries = new List<ColumnManifestEntry>(table.Columns.Count);
        for (var i = 0; i < table.Columns.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var column = table.Columns[i];
            switch (column)
            {
                case NumericColumn n:
                {
                    var file = $"c{i:D3}.f64";
                    await WriteNumericAsync(Path.Combine(directory, file), n.Values, rows, cancellationToken).ConfigureAwait(false);
                    entries.Add(new ColumnManifestEntry(n.Name, n.Kind, file));
                    break;
                }

                case TextColumn t:
                {
                    var file = $"c{i:D3}.txt";
                    await WriteTextAsync(Path.Combine(directory, file), t, rows, cancellationToken).ConfigureAwait(false);
                    entries.Add(new ColumnManifestEntry(t.Name, ColumnKind.Text, file));
                    break;
                }

                default:
                    throw new NotSupportedException($"Column type {column.GetType().Name} cannot be written.");
            }
        }

        var manifest = new ColumnManifest(FormatName, FormatVersion, rows?.Length ?? table.RowCount, entries);
        await File.WriteAllTextAsync(Path.Combine(directory, ManifestFileName), JsonSerializer.Serialize(manifest, s_json), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Reads the manifest (schema and row count) of a split without loading data.</summary>
    public static ColumnManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"'{directory}' is not a columnar split: {ManifestFileName} is missing.");
        }

        var manifest = JsonSerializer.Deserialize<ColumnManifest>(File.ReadAllText(path), s_json)
            ?? throw new InvalidDataException($"'{path}' is empty.");
        if (manifest.Format != FormatName || manifest.Version != FormatVersion)
        {
            throw new InvalidDataException($"'{path}' has format {manifest.Format} v{manifest.Version}; expected {FormatName} v{FormatVersion}.");
        }

        return manifest;
    }

    /// <summary>Loads a split; <paramref name="columns"/> limits which columns are read (null = all).</summary>
    public static Task<ColumnarTable> ReadAsync(string directory, IReadOnlyCollection<string>? columns, CancellationToken cancellationToken) =>
        ReadAsync(directory, columns, int.MaxValue, cancellationToken);

    /// <summary>
    /// Loads the first <paramref name="maxRows"/> rows of a split (all when it has fewer): for a reader that needs only a sample,
    /// the rest of each file is never read. <paramref name="columns"/> limits which columns are read (null = all).
    /// </summary>
    public static async Task<ColumnarTable> ReadAsync(string directory, IReadOnlyCollection<string>? columns, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        var manifest = ReadManifest(directory);
        var rows = Math.Min(maxRows, manifest.RowCount);
        var entries = manifest.Columns.Where(e => columns is null || columns.Contains(e.Name)).ToList();

        // Columns are read side by side: a read is mostly the first touch of its new array's pages (page faults), which the
        // kernel serves on every core at once; one after the other, the flights train split took 2-5 x as long.
        var result = new Column[entries.Count];
        await Parallel.ForAsync(0, entries.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            (i, token) =>
            {
                var entry = entries[i];
                var path = Path.Combine(directory, entry.File);
                result[i] = entry.Kind == ColumnKind.Text
                    ? ReadText(path, entry.Name, manifest.RowCount, rows, token)
                    : new NumericColumn(entry.Name, ReadNumeric(path, manifest.RowCount, rows, token), entry.Kind);
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);

        if (columns is not null)
        {
            var missing = columns.Where(c => result.All(r => r.Name != c)).ToList();
            if (missing.Count > 0)
            {
                throw new KeyNotFoundException(
                    $"Split '{directory}' has no column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}. Columns: {string.Join(", ", manifest.Columns.Select(c => c.Name))}.");
            }
        }

        return new ColumnarTable([.. result]);
    }

    /// <summary>Loads a split with every column.</summary>
    public static Task<ColumnarTable> ReadAsync(string directory, CancellationToken cancellationToken) =>
        ReadAsync(directory, null, cancellationToken);

    private static async Task WriteNumericAsync(string path, double[] values, int[]? rows, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The columnar format is little-endian.");
        }

        // Synchronous writes of the array's own bytes (or of the selected rows, a buffer at a time): no per-row encoding.
        WriteGathered(stream, values, rows);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteGathered<T>(Stream stream, T[] values, int[]? rows)
        where T : unmanaged
    {
        if (rows is null)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        var buffer = System.Buffers.ArrayPool<T>.Shared.Rent(16_384);
        try
        {
            for (var start = 0; start < rows.Length; start += buffer.Length)
            {
                var count = Math.Min(buffer.Length, rows.Length - start);
                var selected = rows.AsSpan(start, count);
                for (var i = 0; i < selected.Length; i++)
                {
                    buffer[i] = values[selected[i]];
                }

                stream.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, count)));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(buffer);
        }
    }

    private static double[] ReadNumeric(string path, int rowCount, int rows, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: false);
        CheckNumericLength(stream.Length, rowCount, path);

        var values = GC.AllocateUninitializedArray<double>(rows);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        stream.ReadExactly(bytes);
        cancellationToken.ThrowIfCancellationRequested();
        return values;
    }

    private static async Task WriteTextAsync(string path, TextColumn column, int[]? rows, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false);
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, column.Dictionary.Length);
        stream.Write(header);
        foreach (var value in column.Dictionary)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32LittleEndian(header, bytes.Length);
            stream.Write(header);
            stream.Write(bytes);
        }

        WriteGathered(stream, column.Codes, rows);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static TextColumn ReadText(string path, string name, int rowCount, int rows, CancellationToken cancellationToken)
    {
        // The codes are the file's last rowCount × 4 bytes; before them, the dictionary. The first rows' codes are read
        // straight into their array.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: false);
        var dictionary = ReadDictionary(stream, path, rowCount);
        var codes = GC.AllocateUninitializedArray<int>(rows);
        stream.ReadExactly(MemoryMarshal.AsBytes(codes.AsSpan()));
        cancellationToken.ThrowIfCancellationRequested();
        CheckCodes(codes, dictionary.Length, path);
        return new TextColumn(name, codes, dictionary);
    }

    /// <summary>Reads a text column file's dictionary from its start; the stream is left at the first code.</summary>
    internal static string[] ReadDictionary(Stream stream, string path, int rowCount)
    {
        var dictionaryBytes = stream.Length - ((long)rowCount * sizeof(int));
        if (dictionaryBytes < 4 || dictionaryBytes > int.MaxValue)
        {
            throw new InvalidDataException($"'{path}' has {stream.Length} bytes, too few for {rowCount} codes and a dictionary. The artifact is corrupt.");
        }

        var data = new byte[dictionaryBytes];
        stream.ReadExactly(data);
        var span = data.AsSpan();
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        var offset = 4;
        if (count < 0)
        {
            throw new InvalidDataException($"'{path}' has a negative dictionary size. The artifact is corrupt.");
        }

        var dictionary = new string[count];
        for (var i = 0; i < count; i++)
        {
            if (offset + 4 > span.Length)
            {
                throw new InvalidDataException($"'{path}' is truncated in its dictionary. The artifact is corrupt.");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
            offset += 4;
            if (length < 0 || offset + length > span.Length)
            {
                throw new InvalidDataException($"'{path}' has a bad dictionary entry {i}. The artifact is corrupt.");
            }

            dictionary[i] = Encoding.UTF8.GetString(span.Slice(offset, length));
            offset += length;
        }

        if (offset != span.Length)
        {
            throw new InvalidDataException($"'{path}' holds {(stream.Length - offset) / 4} codes after its dictionary; expected {rowCount}. The artifact is corrupt.");
        }

        return dictionary;
    }

    /// <summary>Throws when a code is outside the dictionary (−1 is missing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CheckCodes(ReadOnlySpan<int> codes, int dictionarySize, string path)
    {
        foreach (var code in codes)
        {
            if (code < -1 || code >= dictionarySize)
            {
                throw new InvalidDataException($"'{path}' has code {code} outside its dictionary of {dictionarySize}. The artifact is corrupt.");
            }
        }
    }

    /// <summary>Throws unless a numeric column file holds exactly <paramref name="rowCount"/> doubles.</summary>
    internal static void CheckNumericLength(long length, int rowCount, string path)
    {
        if (length != (long)rowCount * sizeof(double))
        {
            throw new InvalidDataException($"'{path}' has {length} bytes; {rowCount} rows need {(long)rowCount * sizeof(double)}. The artifact is corrupt.");
        }
    }
}

/// <summary>The manifest of a split directory.</summary>
/// <param name="Format">Always <c>pipelines-columnar</c>.</param>
/// <param name="Version">The format version.</param>
/// <param name="RowCount">Rows in the split.</param>
/// <param name="Columns">The columns in order.</param>
public sealed record ColumnManifest(string Format, int Version, int RowCount, IReadOnlyList<ColumnManifestEntry> Columns);

/// <summary>One column of a split manifest.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Kind">Logical kind.</param>
/// <param name="File">Data file, relative to the split directory.</param>
public sealed record ColumnManifestEntry(string Name, ColumnKind Kind, string File);
