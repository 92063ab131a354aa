using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// Builds a dictionary-encoded <see cref="TextColumn"/> like <see cref="TextColumnBuilder"/>, and also lets a caller that
/// already knows a value's code append the code directly — which the Parquet path needs to skip re-hashing strings that
/// Parquet.Net hands out as slices of the same dictionary page (see <see cref="ParquetExampleReader"/>).
/// </summary>
/// <remarks>Local to ExampleGen until <see cref="TextColumnBuilder"/> offers <c>GetOrAddCode</c>/<c>AppendCode</c>.</remarks>
internal sealed class TextCodesBuilder
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIndex;
    private readonly List<string> _values = [];
    private int[] _codes;
    private int _count;

    /// <summary>Creates a builder.</summary>
    public TextCodesBuilder(int capacity)
    {
        _codes = new int[Math.Max(16, capacity)];
        _spanIndex = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Rows appended so far.</summary>
    public int Count => _count;

    /// <summary>The code of a value, added to the dictionary when new.</summary>
    public int GetOrAddCode(ReadOnlySpan<char> value)
    {
        if (!_spanIndex.TryGetValue(value, out var code))
        {
            var s = value.ToString();
            code = _values.Count;
            _values.Add(s);
            _index.Add(s, code);
        }

        return code;
    }

    /// <summary>Appends a value.</summary>
    public void Append(ReadOnlySpan<char> value) => AppendCode(GetOrAddCode(value));

    /// <summary>Appends a missing value.</summary>
    public void AppendMissing() => AppendCode(-1);

    /// <summary>Appends a code returned by <see cref="GetOrAddCode"/> (or -1 for missing).</summary>
    public void AppendCode(int code)
    {
        if (_count == _codes.Length)
        {
            Array.Resize(ref _codes, _codes.Length * 2);
        }

        _codes[_count++] = code;
    }

    /// <summary>Builds the column (no copy when the capacity was exact).</summary>
    public TextColumn Build(string name) => new(name, _count == _codes.Length ? _codes : _codes.AsSpan(0, _count).ToArray(), [.. _values]);
}
