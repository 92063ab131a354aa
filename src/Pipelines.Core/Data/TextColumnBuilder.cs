namespace Pipelines.Data;

/// <summary>Builds a <see cref="TextColumn"/> row by row, interning values into the dictionary.</summary>
public sealed class TextColumnBuilder
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIndex;
    private readonly List<string> _values = [];
    private int[] _codes;
    private int _count;

    /// <summary>Creates a builder.</summary>
    public TextColumnBuilder(string name, int capacity = 1024)
    {
        Name = name;
        _codes = new int[Math.Max(16, capacity)];
        _spanIndex = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>Rows appended so far.</summary>
    public int Count => _count;

    /// <summary>Appends a value (null = missing).</summary>
    public void Append(string? value)
    {
        if (value is null)
        {
            AppendMissing();
            return;
        }

        Append(value.AsSpan());
    }

    /// <summary>Appends a value without allocating when it is already in the dictionary.</summary>
    public void Append(ReadOnlySpan<char> value) => Push(GetOrAddCode(value));

    /// <summary>The dictionary code of <paramref name="value"/>, adding it if new (for readers that cache codes per source value).</summary>
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

    /// <summary>Appends a row by code: -1 (missing) or a code returned by <see cref="GetOrAddCode"/>.</summary>
    public void AppendCode(int code)
    {
        if (code < -1 || code >= _values.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, $"Code must be -1 or below {_values.Count}.");
        }

        Push(code);
    }

    /// <summary>Appends a missing value.</summary>
    public void AppendMissing() => Push(-1);

    /// <summary>Removes the last <paramref name="rows"/> rows (used to drop a half-read malformed row).</summary>
    public void Truncate(int rows) => _count = Math.Max(0, _count - rows);

    /// <summary>Builds the column.</summary>
    public TextColumn Build() => new(Name, _count == _codes.Length ? _codes : _codes.AsSpan(0, _count).ToArray(), [.. _values]);

    private void Push(int code)
    {
        if (_count == _codes.Length)
        {
            Array.Resize(ref _codes, _codes.Length * 2);
        }

        _codes[_count++] = code;
    }
}
