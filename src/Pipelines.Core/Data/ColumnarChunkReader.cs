using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pipelines.Data;

/// <summary>
/// Reads row ranges of some columns of one split directory (<see cref="ColumnarFormat"/>) into a reused chunk table, on any
/// number of threads at once (positional reads of open files). A reader that goes through a split once needs only a chunk's
/// memory instead of the whole split's: on a VM that hands freed memory back to its host, the first touch of each new page
/// is most of what reading a large split costs, and a reused chunk is touched once.
/// </summary>
public sealed class ColumnarChunkReader : IDisposable
{
    private readonly Source[] _sources;

    private ColumnarChunkReader(string directory, int rowCount, Source[] sources)
    {
        Directory = directory;
        RowCount = rowCount;
        _sources = sources;
    }

    /// <summary>The split directory.</summary>
    public string Directory { get; }

    /// <summary>The split's rows.</summary>
    public int RowCount { get; }

    /// <summary>Opens <paramref name="columns"/> of the split in <paramref name="directory"/>; text columns' dictionaries are read now.</summary>
    /// <exception cref="KeyNotFoundException">A column is not in the split.</exception>
    /// <exception cref="InvalidDataException">A file's size does not match the manifest.</exception>
    public static ColumnarChunkReader Open(string directory, IReadOnlyCollection<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var manifest = ColumnarFormat.ReadManifest(directory);
        var missing = columns.Where(c => manifest.Columns.All(e => e.Name != c)).ToList();
        if (missing.Count > 0)
        {
            throw new KeyNotFoundException(
                $"Split '{directory}' has no column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}. Columns: {string.Join(", ", manifest.Columns.Select(c => c.Name))}.");
        }

        var sources = new List<Source>();
        try
        {
            foreach (var entry in manifest.Columns.Where(e => columns.Contains(e.Name)))
            {
                var path = Path.Combine(directory, entry.File);
                var handle = File.OpenHandle(path);
                sources.Add(new Source(entry, path, handle, null, 0));
                var length = RandomAccess.GetLength(handle);
                if (entry.Kind != ColumnKind.Text)
                {
                    ColumnarFormat.CheckNumericLength(length, manifest.RowCount, path);
                    continue;
                }

                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: false);
                var dictionary = ColumnarFormat.ReadDictionary(stream, path, manifest.RowCount);
                sources[^1] = sources[^1] with { Dictionary = dictionary, CodesOffset = stream.Position };
            }
        }
        catch
        {
            sources.ForEach(s => s.Handle.Dispose());
            throw;
        }

        return new ColumnarChunkReader(directory, manifest.RowCount, [.. sources]);
    }

    /// <summary>
    /// A table of the opened columns with room for <paramref name="capacity"/> rows, for <see cref="Fill"/>. Its text columns
    /// share this reader's dictionaries, so whatever is bound to one chunk's dictionaries holds for every chunk.
    /// </summary>
    public ColumnarTable CreateChunk(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new ColumnarTable([.. _sources.Select(s => s.Dictionary is { } dictionary
            ? (Column)new TextColumn(s.Entry.Name, GC.AllocateUninitializedArray<int>(capacity), dictionary)
            : new NumericColumn(s.Entry.Name, GC.AllocateUninitializedArray<double>(capacity), s.Entry.Kind))]);
    }

    /// <summary>Reads rows <paramref name="firstRow"/> to <paramref name="firstRow"/> + <paramref name="rows"/> − 1 into the first
    /// <paramref name="rows"/> rows of <paramref name="chunk"/> (made by <see cref="CreateChunk"/>). Thread-safe for distinct chunks.</summary>
    /// <exception cref="InvalidDataException">A text code is outside its dictionary (a corrupt artifact).</exception>
    public void Fill(ColumnarTable chunk, int firstRow, int rows)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, Math.Min(chunk.RowCount, RowCount - firstRow));
        foreach (var source in _sources)
        {
            switch (chunk[source.Entry.Name])
            {
                case NumericColumn number:
                    ReadExactly(source, MemoryMarshal.AsBytes(number.Values.AsSpan(0, rows)), (long)firstRow * sizeof(double));
                    break;
                case TextColumn text:
                    var codes = text.Codes.AsSpan(0, rows);
                    ReadExactly(source, MemoryMarshal.AsBytes(codes), source.CodesOffset + ((long)firstRow * sizeof(int)));
                    ColumnarFormat.CheckCodes(codes, source.Dictionary!.Length, source.Path);
                    break;
                default:
                    throw new ArgumentException($"The chunk's column '{source.Entry.Name}' is not the kind this reader fills; make chunks with {nameof(CreateChunk)}.", nameof(chunk));
            }
        }
    }

    /// <summary>
    /// The rows at <paramref name="rows"/> (ascending, distinct) as a new table of the opened columns, read a range of at most
    /// <paramref name="chunkRows"/> rows at a time into one reused chunk: a sample of a large split without the whole split in
    /// memory. Text columns share this reader's dictionaries.
    /// </summary>
    /// <exception cref="ArgumentException">The rows are not ascending and distinct, or one is outside the split.</exception>
    /// <exception cref="InvalidDataException">A text code is outside its dictionary (a corrupt artifact).</exception>
    public ColumnarTable ReadRows(ReadOnlySpan<int> rows, int chunkRows = 65_536)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] < 0 || rows[i] >= RowCount || (i > 0 && rows[i] <= rows[i - 1]))
            {
                throw new ArgumentException($"Row {rows[i]} at position {i} is {(rows[i] < 0 || rows[i] >= RowCount ? $"outside the split's {RowCount} rows" : "not after the one before it")}; pass ascending, distinct rows.", nameof(rows));
            }
        }

        var numbers = new double[_sources.Length][];
        var codes = new int[_sources.Length][];
        for (var s = 0; s < _sources.Length; s++)
        {
            if (_sources[s].Dictionary is null)
            {
                numbers[s] = GC.AllocateUninitializedArray<double>(rows.Length);
            }
            else
            {
                codes[s] = GC.AllocateUninitializedArray<int>(rows.Length);
            }
        }

        var chunk = rows.IsEmpty ? null : CreateChunk(Math.Min(chunkRows, RowCount));
        for (var next = 0; next < rows.Length;)
        {
            // The range starts at the next wanted row; every wanted row inside it is copied out of the chunk.
            var first = rows[next];
            var count = Math.Min(chunk!.RowCount, RowCount - first);
            Fill(chunk, first, count);
            var end = next;
            while (end < rows.Length && rows[end] < first + count)
            {
                end++;
            }

            for (var s = 0; s < _sources.Length; s++)
            {
                switch (chunk[_sources[s].Entry.Name])
                {
                    case TextColumn text:
                        for (var i = next; i < end; i++)
                        {
                            codes[s][i] = text.Codes[rows[i] - first];
                        }

                        break;
                    case NumericColumn number:
                        for (var i = next; i < end; i++)
                        {
                            numbers[s][i] = number.Values[rows[i] - first];
                        }

                        break;
                }
            }

            next = end;
        }

        return new ColumnarTable([.. _sources.Select((source, s) => source.Dictionary is { } dictionary
            ? (Column)new TextColumn(source.Entry.Name, codes[s], dictionary)
            : new NumericColumn(source.Entry.Name, numbers[s], source.Entry.Kind))]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var source in _sources)
        {
            source.Handle.Dispose();
        }
    }

    private static void ReadExactly(Source source, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(source.Handle, buffer, offset);
            if (read == 0)
            {
                throw new InvalidDataException($"'{source.Path}' ended early (at byte {offset}). The artifact is corrupt.");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    private sealed record Source(ColumnManifestEntry Entry, string Path, SafeFileHandle Handle, string[]? Dictionary, long CodesOffset);
}
