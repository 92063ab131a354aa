using System.Buffers;

namespace Pipelines.Components;

/// <summary>
/// A streaming RFC 4180 record reader: quoted fields may hold separators, quotes (doubled) and line breaks; records end at
/// CRLF, LF or CR. Memory is bounded: a field longer than the limit is skipped, not buffered, and makes its record malformed.
/// Line numbers are exact (1-based, counting line breaks inside quoted fields).
/// </summary>
/// <remarks>Written here rather than using CsvHelper because the node must report exact line numbers for malformed records,
/// keep going after one (or stop at once) and never hold an oversized field in memory.</remarks>
internal sealed class CsvRecordReader
{
    private const int MaxFields = 1 << 16;
    private readonly TextReader _reader;
    private readonly char _separator;
    private readonly int _maxFieldLength;
    private readonly bool _stopAtFirstError;
    private readonly char[] _buffer = new char[1 << 16];
    private readonly SearchValues<char> _unquotedStops;
    private int _position;
    private int _length;
    private bool _endOfInput;
    private char[] _chars = new char[1024];
    private int _charCount;
    private int[] _fieldEnds = new int[64];
    private int _fieldCount;
    private bool _anyQuoted;
    private long _line = 1;

    /// <summary>Creates the reader.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="maxFieldLength">The longest field kept, in characters.</param>
    /// <param name="stopAtFirstError">Stop reading a record at its first problem (the caller will fail anyway), so an
    /// oversized field or an unclosed quote is not scanned to its end.</param>
    public CsvRecordReader(TextReader reader, char separator, int maxFieldLength, bool stopAtFirstError)
    {
        _reader = reader;
        _separator = separator;
        _maxFieldLength = maxFieldLength;
        _stopAtFirstError = stopAtFirstError;
        _unquotedStops = SearchValues.Create([separator, '\r', '\n']);
    }

    /// <summary>The line the current record starts on (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>The fields of the current record.</summary>
    public int FieldCount => _fieldCount;

    /// <summary>The line the next record starts on: <c>NextLineNumber - LineNumber</c> is the number of lines the current
    /// record spans (0 for a last record without a line break).</summary>
    public long NextLineNumber => _line;

    /// <summary>Why the current record is malformed, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The line of a quote that is still open at the end of the input (the rest of the file was swallowed into one
    /// field), or null.</summary>
    public long? UnclosedQuoteLine { get; private set; }

    /// <summary>Whether the current record is an empty line.</summary>
    public bool IsBlank => _fieldCount == 1 && _fieldEnds[0] == 0 && !_anyQuoted && Error is null;

    /// <summary>Whether the current record holds U+FFFD, the decoder's replacement for invalid bytes.</summary>
    public bool ContainsReplacementCharacter => _chars.AsSpan(0, _charCount).Contains('\uFFFD');

    /// <summary>Field <paramref name="index"/> of the current record, unquoted.</summary>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var start = index == 0 ? 0 : _fieldEnds[index - 1];
            return _chars.AsSpan(start, _fieldEnds[index] - start);
        }
    }

    /// <summary>Reads the next record; false at the end of the input.</summary>
    public bool Read()
    {
        if (!EnsureData())
        {
            return false;
        }

        _charCount = 0;
        _fieldCount = 0;
        _anyQuoted = false;
        Error = null;
        UnclosedQuoteLine = null;
        LineNumber = _line;
        while (true)
        {
            ReadField();
            if ((_stopAtFirstError && Error is not null) || !EnsureData())
            {
                return true;
            }

            var c = _buffer[_position];
            if (c == _separator)
            {
                _position++;
                continue;
            }

            ConsumeLineBreak();
            return true;
        }
    }

    private void ReadField()
    {
        var start = _charCount;
        var tooLong = false;
        if (EnsureData() && _buffer[_position] == '"')
        {
            _anyQuoted = true;
            var quoteLine = _line;
            _position++;
            while (true)
            {
                if (!EnsureData())
                {
                    SetError($"a quote opened at line {quoteLine} is never closed");
                    UnclosedQuoteLine = quoteLine;
                    break;
                }

                var span = _buffer.AsSpan(_position, _length - _position);
                var quote = span.IndexOf('"');
                var chunk = quote < 0 ? span : span[..quote];
                _line += chunk.Count('\n');
                Append(chunk, start, ref tooLong);
                _position += chunk.Length;
                if (tooLong && _stopAtFirstError)
                {
                    break;
                }

                if (quote < 0)
                {
                    continue;
                }

                _position++;
                if (EnsureData() && _buffer[_position] == '"')
                {
                    Append("\"", start, ref tooLong);
                    _position++;
                    continue;
                }

                if (EnsureData())
                {
                    var next = _buffer[_position];
                    if (next != _separator && next != '\r' && next != '\n')
                    {
                        SetError($"unexpected '{next}' after the closing quote of a field (write a quote inside a quoted field as \"\")");
                        SkipToLineBreak();
                    }
                }

                break;
            }

            if (tooLong)
            {
                SetError($"a field is longer than MaxFieldLength ({_maxFieldLength} characters); if it should not be, a quote opened at line {quoteLine} may be unbalanced");
            }
        }
        else
        {
            while (EnsureData())
            {
                var span = _buffer.AsSpan(_position, _length - _position);
                var stop = span.IndexOfAny(_unquotedStops);
                var chunk = stop < 0 ? span : span[..stop];
                Append(chunk, start, ref tooLong);
                _position += chunk.Length;
                if (stop >= 0 || (tooLong && _stopAtFirstError))
                {
                    break;
                }
            }

            if (tooLong)
            {
                SetError($"a field is longer than MaxFieldLength ({_maxFieldLength} characters)");
            }
        }

        if (_fieldCount == MaxFields)
        {
            // A hostile line of separators must not grow memory without bound.
            SetError($"a record has more than {MaxFields} fields");
            _charCount = start;
            return;
        }

        if (_fieldCount == _fieldEnds.Length)
        {
            Array.Resize(ref _fieldEnds, _fieldEnds.Length * 2);
        }

        _fieldEnds[_fieldCount++] = _charCount;
    }

    private void Append(ReadOnlySpan<char> chunk, int fieldStart, ref bool tooLong)
    {
        if (tooLong || chunk.IsEmpty)
        {
            return;
        }

        if (_charCount - fieldStart + chunk.Length > _maxFieldLength)
        {
            tooLong = true;
            _charCount = fieldStart;
            return;
        }

        if (_charCount + chunk.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + chunk.Length));
        }

        chunk.CopyTo(_chars.AsSpan(_charCount));
        _charCount += chunk.Length;
    }

    private void SetError(string reason) => Error ??= reason;

    private void SkipToLineBreak()
    {
        while (EnsureData())
        {
            var span = _buffer.AsSpan(_position, _length - _position);
            var stop = span.IndexOfAny('\r', '\n');
            if (stop >= 0)
            {
                _position += stop;
                return;
            }

            _position = _length;
        }
    }

    private void ConsumeLineBreak()
    {
        var c = _buffer[_position++];
        if (c == '\r' && EnsureData() && _buffer[_position] == '\n')
        {
            _position++;
        }

        _line++;
    }

    private bool EnsureData()
    {
        if (_position < _length)
        {
            return true;
        }

        if (_endOfInput)
        {
            return false;
        }

        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        if (_length == 0)
        {
            _endOfInput = true;
            return false;
        }

        return true;
    }
}
