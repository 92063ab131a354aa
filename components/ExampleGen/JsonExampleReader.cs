using System.Text;
using System.Text.Json;

namespace Pipelines.Components;

/// <summary>
/// Reads one JSON file into the table: an array of flat objects, or JSON lines (one object per line), detected from the first
/// character. Streams with <see cref="Utf8JsonReader"/> over a bounded buffer: a token larger than the buffer cap fails
/// instead of growing memory. Keys missing from an object are missing values; columns are the union of keys.
/// </summary>
internal sealed class JsonExampleReader
{
    private readonly string _path;
    private readonly ExampleTableBuilder _table;
    private readonly MalformedRowPolicy _policy;
    private readonly int _maxFieldLength;
    private readonly int _bufferCap;
    private readonly List<PendingValue> _pending = [];
    private readonly List<string> _newNames = [];
    private bool _lines;
    private byte[] _buffer = new byte[1 << 16];
    private long _bufferBase;
    private int _start;
    private int _end;
    private bool _endOfInput;
    private long _linesCountedTo;
    private long _line = 1;
    private bool _started;
    private bool _inRow;
    private bool _skipping;
    private int _skipDepth;
    private int _rowDepth;
    private long _rowLine;
    private long _element;
    private string? _rowError;
    private int _property = NoProperty;
    private char[] _chars = new char[1024];
    private int _charCount;
    private int[] _stamp = new int[64];
    private int _rowStamp;
    private long _rows;

    private const int NoProperty = int.MinValue;

    private JsonExampleReader(string path, ExampleTableBuilder table, MalformedRowPolicy policy, int maxFieldLength)
    {
        _path = path;
        _table = table;
        _policy = policy;
        _maxFieldLength = maxFieldLength;

        // A string of MaxFieldLength characters takes at most 6 bytes per character escaped (\uXXXX).
        _bufferCap = (int)Math.Min(Array.MaxLength, Math.Max(1L << 16, (long)maxFieldLength * 6 + 4096));
    }

    private enum PendingKind
    {
        Missing,
        Number,
        String,
    }

    /// <summary>Reads <paramref name="path"/>; returns the rows read.</summary>
    public static long Read(string path, int maxFieldLength, ExampleTableBuilder table, MalformedRowPolicy policy, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var reader = new JsonExampleReader(path, table, policy, maxFieldLength);
        reader.Run(stream, cancellationToken);
        return reader._rows;
    }

    private void Run(Stream stream, CancellationToken cancellationToken)
    {
        Fill(stream);
        if (_end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            _start = 3;
        }

        var first = FirstNonWhitespace(stream);
        if (first < 0)
        {
            return;
        }

        if (first != '[' && first != '{')
        {
            throw new MalformedInputException(_path, 1,
                $"expected a JSON array of objects or JSON lines (one object per line), but the file starts with '{(char)first}'");
        }

        _lines = first == '{';
        _rowDepth = _lines ? 0 : 1;
        if (_lines)
        {
            RunLines(stream, cancellationToken);
        }
        else
        {
            RunArray(stream, cancellationToken);
        }
    }

    private void RunArray(Stream stream, CancellationToken cancellationToken)
    {
        var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _endOfInput, state);
            try
            {
                Process(ref reader);
            }
            catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException)
            {
                throw InvalidUtf8(_line + CountLines(_bufferBase + _start + reader.BytesConsumed), ex);
            }
            catch (JsonException ex)
            {
                // A syntax error inside an array cannot be skipped: where the next element starts is unknown.
                var line = _line + CountLines(_bufferBase + _start + reader.BytesConsumed);
                var rest = _buffer.AsSpan(_start + (int)reader.BytesConsumed, _end - _start - (int)reader.BytesConsumed);
                throw new MalformedInputException(_path, line, $"invalid JSON: {ex.Message}{BareNonFiniteHint(rest)}", ex);
            }

            var consumed = (int)reader.BytesConsumed;
            state = reader.CurrentState;
            AdvanceTo(_start + consumed);
            if (_endOfInput)
            {
                break;
            }

            if (consumed == 0 && _start == 0 && _end == _buffer.Length)
            {
                if (_buffer.Length >= _bufferCap)
                {
                    throw new MalformedInputException(_path, _line,
                        $"a JSON token is longer than {_bufferCap} bytes (MaxFieldLength {_maxFieldLength} characters)");
                }

                Array.Resize(ref _buffer, (int)Math.Min(_bufferCap, (long)_buffer.Length * 2));
            }

            Fill(stream);
        }
    }

    private void RunLines(Stream stream, CancellationToken cancellationToken)
    {
        var options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip };
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline < 0 && !_endOfInput)
            {
                if (_start == 0 && _end == _buffer.Length)
                {
                    if (_buffer.Length >= _bufferCap)
                    {
                        _policy.Report(_path, _line, $"the line is longer than {_bufferCap} bytes (MaxFieldLength {_maxFieldLength} characters)");
                        _linesCountedTo = _bufferBase + _start;
                        if (!SkipPastLineBreak(stream))
                        {
                            return;
                        }

                        continue;
                    }

                    Array.Resize(ref _buffer, (int)Math.Min(_bufferCap, (long)_buffer.Length * 2));
                }

                Fill(stream);
                continue;
            }

            var length = newline < 0 ? _end - _start : newline;
            var line = _buffer.AsSpan(_start, length);
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (!line.Trim(" \t"u8).IsEmpty)
            {
                _rowLine = _line;
                var reader = new Utf8JsonReader(line, options);
                try
                {
                    Process(ref reader);
                    if (_inRow)
                    {
                        ResetRow();
                        _policy.Report(_path, _rowLine, "the line ends inside an object");
                    }
                }
                catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException)
                {
                    throw InvalidUtf8(_line, ex);
                }
                catch (JsonException ex)
                {
                    ResetRow();
                    _policy.Report(_path, _line, $"invalid JSON: {ex.Message}{BareNonFiniteHint(line[(int)reader.BytesConsumed..])}");
                }
            }

            _line++;
            _start += newline < 0 ? length : length + 1;
            _linesCountedTo = _bufferBase + _start;
            if (newline < 0)
            {
                return;
            }

            if ((_line & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private void Process(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (_skipping)
            {
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == _skipDepth)
                {
                    _skipping = false;
                }

                continue;
            }

            if (!_lines && !_started)
            {
                _started = true;
                continue;
            }

            if (!_inRow)
            {
                if (token == JsonTokenType.EndArray && !_lines)
                {
                    continue;
                }

                _element++;
                var line = LineAt(ref reader);
                if (token == JsonTokenType.StartObject && reader.CurrentDepth == _rowDepth)
                {
                    _inRow = true;
                    _rowLine = line;
                    continue;
                }

                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    _skipping = true;
                    _skipDepth = reader.CurrentDepth;
                }

                _policy.Report(_path, line, $"{What()} is a JSON {Describe(token)}, not an object");
                continue;
            }

            if (token == JsonTokenType.EndObject && reader.CurrentDepth == _rowDepth)
            {
                EndRow();
                continue;
            }

            if (token == JsonTokenType.PropertyName)
            {
                SetProperty(ref reader);
                continue;
            }

            switch (token)
            {
                case JsonTokenType.Null:
                    AddPending(PendingKind.Missing, double.NaN, []);
                    break;
                case JsonTokenType.True:
                    AddPending(PendingKind.Number, 1, "true");
                    break;
                case JsonTokenType.False:
                    AddPending(PendingKind.Number, 0, "false");
                    break;
                case JsonTokenType.Number:
                    AddNumber(ref reader);
                    break;
                case JsonTokenType.String:
                    AddString(ref reader);
                    break;
                default:
                    RowError($"the value of '{PropertyName()}' is a nested {Describe(token)}; ExampleGen reads flat records (numbers, strings, booleans, null)");
                    _skipping = true;
                    _skipDepth = reader.CurrentDepth;
                    _property = NoProperty;
                    break;
            }
        }
    }

    private void SetProperty(ref Utf8JsonReader reader)
    {
        var maxChars = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var name = maxChars <= 256 ? stackalloc char[maxChars] : new char[maxChars];
        var length = reader.CopyString(name);
        name = name[..length];
        var index = _table.IndexOf(name);
        if (index < 0)
        {
            index = -1 - FindOrAddNewName(name);
        }

        _property = index;
        if (IsStamped(index))
        {
            RowError($"key '{PropertyName()}' appears twice in one object");
        }

        Stamp(index);
    }

    private void AddNumber(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            RowError($"the number {Encoding.ASCII.GetString(raw)} of '{PropertyName()}' is out of range");
            return;
        }

        Span<char> chars = stackalloc char[Math.Min(raw.Length, 512)];
        if (raw.Length > chars.Length)
        {
            chars = new char[raw.Length];
        }

        for (var i = 0; i < raw.Length; i++)
        {
            chars[i] = (char)raw[i];
        }

        AddPending(PendingKind.Number, value, chars[..raw.Length]);
    }

    private void AddString(ref Utf8JsonReader reader)
    {
        var maxChars = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        EnsureChars(maxChars);
        var length = reader.CopyString(_chars.AsSpan(_charCount, maxChars));
        if (length > _maxFieldLength)
        {
            RowError($"the value of '{PropertyName()}' is longer than MaxFieldLength ({_maxFieldLength} characters)");
            return;
        }

        _pending.Add(new PendingValue(_property, PendingKind.String, double.NaN, _charCount, length));
        _charCount += length;
        _property = NoProperty;
    }

    private void AddPending(PendingKind kind, double number, ReadOnlySpan<char> text)
    {
        EnsureChars(text.Length);
        text.CopyTo(_chars.AsSpan(_charCount));
        _pending.Add(new PendingValue(_property, kind, number, _charCount, text.Length));
        _charCount += text.Length;
        _property = NoProperty;
    }

    private void EndRow()
    {
        var line = _rowLine;
        var error = _rowError;
        if (error is not null)
        {
            ResetRow();
            _policy.Report(_path, line, error);
            return;
        }

        var columns = new ColumnAccumulator[_pending.Count];
        for (var i = 0; i < _pending.Count; i++)
        {
            var p = _pending[i];
            columns[i] = p.Column >= 0 ? _table.Columns[p.Column] : _table.GetOrAdd(_newNames[-1 - p.Column], _path);
            if (p.Kind == PendingKind.String && columns[i].ForcedKind is not null && columns[i].Check(Text(p)) is { } reason)
            {
                ResetRow();
                _policy.Report(_path, line, reason);
                return;
            }
        }

        var filled = new bool[_table.Columns.Count];
        for (var i = 0; i < _pending.Count; i++)
        {
            var p = _pending[i];
            switch (p.Kind)
            {
                case PendingKind.Missing:
                    columns[i].AppendMissing();
                    break;
                case PendingKind.Number:
                    columns[i].AppendNumber(p.Number, Text(p));
                    break;
                default:
                    columns[i].AppendString(Text(p));
                    break;
            }

            filled[p.Column >= 0 ? p.Column : _table.IndexOf(_newNames[-1 - p.Column])] = true;
        }

        for (var c = 0; c < filled.Length; c++)
        {
            if (!filled[c])
            {
                _table.Columns[c].AppendMissing();
            }
        }

        _table.CompleteRow();
        _rows++;
        ResetRow();
    }

    private ReadOnlySpan<char> Text(PendingValue p) => _chars.AsSpan(p.Start, p.Length);

    private void ResetRow()
    {
        _inRow = false;
        _skipping = false;
        _rowError = null;
        _pending.Clear();
        _newNames.Clear();
        _charCount = 0;
        _property = NoProperty;
        _rowStamp++;
    }

    private void RowError(string reason) => _rowError ??= reason;

    private string What() => _lines ? "the line" : $"element {_element} of the array";

    private string PropertyName() => _property switch
    {
        NoProperty => "?",
        >= 0 => _table.Columns[_property].Name,
        _ => _newNames[-1 - _property],
    };

    private int FindOrAddNewName(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < _newNames.Count; i++)
        {
            if (name.SequenceEqual(_newNames[i]))
            {
                return i;
            }
        }

        _newNames.Add(name.ToString());
        return _newNames.Count - 1;
    }

    // Known columns are stamped by index; new names by their (negative) pending index, offset past the known ones.
    private bool IsStamped(int index)
    {
        var slot = StampSlot(index);
        return slot < _stamp.Length && _stamp[slot] == _rowStamp + 1;
    }

    private void Stamp(int index)
    {
        var slot = StampSlot(index);
        if (slot >= _stamp.Length)
        {
            Array.Resize(ref _stamp, Math.Max(_stamp.Length * 2, slot + 1));
        }

        _stamp[slot] = _rowStamp + 1;
    }

    private int StampSlot(int index) => index >= 0 ? 2 * index : (2 * (-1 - index)) + 1;

    private void EnsureChars(int more)
    {
        if (_charCount + more > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + more));
        }
    }

    // Utf8JsonReader transcodes strings strictly: invalid bytes are a file-level problem (the encoding), never skippable.
    private MalformedInputException InvalidUtf8(long line, Exception ex) => new(
        _path,
        line,
        "the file is not valid UTF-8 (bytes that are no UTF-8 character; a Latin-1 or Windows-1252 export?). Re-encode it as UTF-8",
        ex);

    // Python's json.dumps writes NaN and Infinity bare, which is not JSON: say so rather than only "'N' is an invalid start".
    private static string BareNonFiniteHint(ReadOnlySpan<byte> rest)
    {
        rest = rest.TrimStart(" \t\r\n,:"u8);
        return rest.StartsWith("NaN"u8) || rest.StartsWith("Infinity"u8) || rest.StartsWith("-Infinity"u8)
            ? " (a bare NaN or Infinity is not JSON, though Python's json.dumps writes it: write null for a missing value)"
            : "";
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private long LineAt(ref Utf8JsonReader reader)
    {
        if (_lines)
        {
            return _line;
        }

        var absolute = _bufferBase + _start + reader.TokenStartIndex;
        _line += CountLines(absolute);
        _linesCountedTo = absolute;
        return _line;
    }

    // Line breaks between what is counted and an absolute position in the buffer (not advancing the count).
    private long CountLines(long absolute)
    {
        var from = (int)(_linesCountedTo - _bufferBase);
        var to = (int)(absolute - _bufferBase);
        return to > from ? _buffer.AsSpan(from, to - from).Count((byte)'\n') : 0;
    }

    // Discards buffer bytes before `position` after counting their line breaks.
    private void AdvanceTo(int position)
    {
        var absolute = _bufferBase + position;
        if (absolute > _linesCountedTo)
        {
            _line += CountLines(absolute);
            _linesCountedTo = absolute;
        }

        _start = position;
    }

    private void Fill(Stream stream)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferBase += _start;
            _end -= _start;
            _start = 0;
        }

        while (!_endOfInput && _end < _buffer.Length)
        {
            var read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _endOfInput = true;
                break;
            }

            _end += read;
        }
    }

    private int FirstNonWhitespace(Stream stream)
    {
        while (true)
        {
            for (var i = _start; i < _end; i++)
            {
                var b = _buffer[i];
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    AdvanceTo(i);
                    return b;
                }
            }

            AdvanceTo(_end);
            if (_endOfInput)
            {
                return -1;
            }

            Fill(stream);
        }
    }

    // JSON lines after a syntax error: continue after the next line break. False at the end of the input.
    private bool SkipPastLineBreak(Stream stream)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (index >= 0)
            {
                AdvanceTo(_start + index + 1);
                return true;
            }

            AdvanceTo(_end);
            if (_endOfInput)
            {
                return false;
            }

            Fill(stream);
        }
    }

    private readonly record struct PendingValue(int Column, PendingKind Kind, double Number, int Start, int Length);
}
