using Pipelines.Data;
namespace Pipelines.Components;

/// <summary>The raw text of a column's values while its kind is still being inferred, kept compactly: numbers are ASCII, so
/// one byte per character plus one int per row. Replayed into a text column when a later value turns out not to be a number.</summary>
internal sealed class RawTextBuffer
{
    private byte[] _bytes = new byte[4096];
    private int _length;

    // End offset per row; a missing row stores the bitwise complement of the (unchanged) end.
    private int[] _ends = new int[1024];
    private int _count;

    /// <summary>Rows held.</summary>
    public int Count => _count;

    /// <summary>Appends an ASCII value (callers guarantee it: it parsed as a number or is true/false).</summary>
    public void Append(ReadOnlySpan<char> ascii)
    {
        if (_length + ascii.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + ascii.Length));
        }

        var target = _bytes.AsSpan(_length, ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            target[i] = (byte)ascii[i];
        }

        _length += ascii.Length;
        Push(_length);
    }

    /// <summary>Appends a missing value.</summary>
    public void AppendMissing() => Push(~_length);

    /// <summary>Appends <paramref name="rows"/> missing values.</summary>
    public void AppendMissing(int rows)
    {
        for (var i = 0; i < rows; i++)
        {
            Push(~_length);
        }
    }

    /// <summary>Replays every row into <paramref name="target"/>.</summary>
    public void CopyTo(TextColumnBuilder target)
    {
        Span<char> chars = stackalloc char[128];
        var start = 0;
        for (var row = 0; row < _count; row++)
        {
            var end = _ends[row];
            if (end < 0)
            {
                target.AppendMissing();
                continue;
            }

            var length = end - start;
            var buffer = length <= chars.Length ? chars[..length] : new char[length];
            var source = _bytes.AsSpan(start, length);
            for (var i = 0; i < length; i++)
            {
                buffer[i] = (char)source[i];
            }

            target.Append(buffer);
            start = end;
        }
    }

    private void Push(int end)
    {
        if (_count == _ends.Length)
        {
            Array.Resize(ref _ends, _ends.Length * 2);
        }

        _ends[_count++] = end;
    }
}
