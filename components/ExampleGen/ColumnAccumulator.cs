using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// Collects one column's values while files are read and decides its kind: forced (<see cref="ExampleGenOptions.ColumnKinds"/>),
/// fixed by a typed source (Parquet), or inferred — Numeric while every non-missing value is a number, Text from the first
/// value that is not (the raw text kept so far is replayed, so no value is lost or reformatted).
/// Text values that are empty, only whitespace or listed in <see cref="ExampleGenOptions.MissingValues"/> are missing in
/// every kind. Non-finite numbers (NaN, infinities, numbers out of range) are not values of a Numeric or Timestamp column.
/// </summary>
internal sealed class ColumnAccumulator
{
    private Mode _mode;
    private NumericColumnBuilder? _numbers;
    private TextColumnBuilder? _text;
    private readonly int _capacity;
    private readonly MissingValueSet _missing;
    private readonly bool _allowNaN;
    private RawTextBuffer? _raw;

    /// <summary>Creates the accumulator with <paramref name="existingRows"/> missing values (a JSON key first seen late).</summary>
    public ColumnAccumulator(string name, ColumnKind? forcedKind, int existingRows, int capacity, MissingValueSet missing, bool allowNaN)
    {
        Name = name;
        ForcedKind = forcedKind;
        _capacity = capacity;
        _missing = missing;
        _allowNaN = allowNaN;
        _mode = forcedKind switch
        {
            ColumnKind.Numeric => Mode.Numeric,
            ColumnKind.Timestamp => Mode.Timestamp,
            ColumnKind.Text => Mode.Text,
            _ => Mode.InferNumeric,
        };
        switch (_mode)
        {
            case Mode.Text:
                _text = new TextColumnBuilder(Name, capacity);
                break;
            case Mode.InferNumeric:
                _numbers = new NumericColumnBuilder(name, ColumnKind.Numeric, capacity);
                _raw = new RawTextBuffer();
                break;
            default:
                _numbers = new NumericColumnBuilder(name, forcedKind!.Value, capacity);
                break;
        }

        for (var i = 0; i < existingRows; i++)
        {
            AppendMissing();
        }
    }

    private enum Mode
    {
        InferNumeric,
        Numeric,
        Timestamp,
        Text,
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The kind forced by the options, if any.</summary>
    public ColumnKind? ForcedKind { get; }

    /// <summary>The kind the column has so far.</summary>
    public ColumnKind Kind => _mode switch
    {
        Mode.Text => ColumnKind.Text,
        Mode.Timestamp => ColumnKind.Timestamp,
        _ => ColumnKind.Numeric,
    };

    /// <summary>The file whose schema fixed this column's kind (Parquet), if any.</summary>
    public string? TypedSource { get; private set; }

    /// <summary>The kind the typed source gave, if any.</summary>
    public ColumnKind? TypedKind { get; private set; }

    /// <summary>Rows appended so far.</summary>
    public int Count => _text?.Count ?? _numbers!.Count;

    /// <summary>Records the kind a typed file (Parquet) gives this column; a different kind in another file is an error.</summary>
    public void FixKind(ColumnKind natural, string file)
    {
        if (TypedKind is { } previous && previous != natural)
        {
            throw new DataValidationException(
                $"Column '{Name}' is {previous} in '{TypedSource}' but {natural} in '{file}'. All files of an input must have the same column types.");
        }

        TypedKind = natural;
        TypedSource ??= file;
        if (_mode == Mode.InferNumeric)
        {
            if (natural == ColumnKind.Text)
            {
                SwitchToText();
            }
            else
            {
                // A typed source needs no raw text: its kind cannot change later.
                _raw = null;
                if (natural == ColumnKind.Timestamp)
                {
                    _numbers = Rebuild(_numbers!, ColumnKind.Timestamp, _capacity);
                    _mode = Mode.Timestamp;
                }
                else
                {
                    _mode = Mode.Numeric;
                }
            }
        }
    }

    /// <summary>Why a text value cannot go into this column (forced kind), or null when it can.</summary>
    public string? Check(ReadOnlySpan<char> text)
    {
        if (_mode is Mode.Text or Mode.InferNumeric || _missing.IsMissing(text))
        {
            return null;
        }

        var number = ValueParsing.Classify(text, out _);
        return number switch
        {
            ValueParsing.NumberClass.Finite => null,
            ValueParsing.NumberClass.NaN when _allowNaN => null,
            ValueParsing.NumberClass.NaN or ValueParsing.NumberClass.Infinite => ValueParsing.NonFiniteReason(text, Name),
            _ when _mode == Mode.Numeric => $"column '{Name}' is Numeric but '{ValueParsing.Shorten(text)}' is not a number",
            _ when !ValueParsing.TryParseTimestamp(text, out _) =>
                $"column '{Name}' is Timestamp but '{ValueParsing.Shorten(text)}' is not a date/time or a number of seconds",
            _ => null,
        };
    }

    /// <summary>Appends a missing value.</summary>
    public void AppendMissing()
    {
        if (_text is not null)
        {
            _text.AppendMissing();
            return;
        }

        _numbers!.AppendMissing();
        _raw?.AppendMissing();
    }

    /// <summary>Appends a CSV field: missing (<see cref="MissingValueSet"/>) or a value; a number while inferring stays
    /// Numeric. Returns true when the value is a non-finite number appended (as missing) to a column whose kind is not known
    /// yet: the row is malformed if the column ends up Numeric (see <see cref="ExampleTableBuilder.DeferNonFinite"/>).</summary>
    public bool AppendField(ReadOnlySpan<char> text)
    {
        if (_missing.IsMissing(text))
        {
            AppendMissing();
            return false;
        }

        if (_mode != Mode.InferNumeric)
        {
            AppendConverted(text);
            return false;
        }

        switch (ValueParsing.Classify(text, out var number))
        {
            case ValueParsing.NumberClass.Finite:
                _numbers!.Append(number);
                _raw!.Append(text);
                return false;
            case ValueParsing.NumberClass.NaN or ValueParsing.NumberClass.Infinite:
                // Kept as text too: if the column turns out to be Text, "NaN" is just a word.
                _numbers!.AppendMissing();
                _raw!.Append(text);
                return !(_allowNaN && double.IsNaN(number));
            default:
                SwitchToText();
                _text!.Append(text);
                return false;
        }
    }

    /// <summary>Whether the column has become Text (so a deferred non-finite token in it was just a word).</summary>
    public bool IsText => _mode == Mode.Text;

    /// <summary>Appends a JSON string: makes an inferred column Text; missing per <see cref="MissingValueSet"/>.</summary>
    public void AppendString(ReadOnlySpan<char> text)
    {
        if (_missing.IsMissing(text))
        {
            AppendMissing();
            return;
        }

        if (_mode == Mode.InferNumeric)
        {
            SwitchToText();
        }

        AppendConverted(text);
    }

    /// <summary>Appends a number (JSON number or boolean) with its ASCII source text (missing when the text is listed in
    /// <see cref="ExampleGenOptions.MissingValues"/>, e.g. a -999 sentinel).</summary>
    public void AppendNumber(double value, ReadOnlySpan<char> raw)
    {
        if (_missing.HasTokens && _missing.IsMissing(raw))
        {
            AppendMissing();
            return;
        }

        switch (_mode)
        {
            case Mode.Text:
                _text!.Append(raw);
                break;
            case Mode.InferNumeric:
                _numbers!.Append(value);
                _raw!.Append(raw);
                break;
            default:
                _numbers!.Append(value);
                break;
        }
    }

    /// <summary>Appends numbers in bulk (Parquet); NaN = missing. The column must be Numeric or Timestamp.</summary>
    public void AppendDoubles(ReadOnlySpan<double> values)
    {
        if (_mode is Mode.Text or Mode.InferNumeric)
        {
            throw new InvalidOperationException($"Column '{Name}' is not a typed number column.");
        }

        _numbers!.AppendRange(values);
    }

    /// <summary>Appends strings in bulk (Parquet); null or missing per <see cref="MissingValueSet"/> = missing. The column must
    /// be Text.</summary>
    /// <remarks>Parquet.Net returns the values of a dictionary-encoded chunk as slices of its dictionary entries' buffers, so
    /// a slice seen before (same buffer, offset and length) is the same string: its code is reused without hashing the
    /// characters. When slices do not repeat (plain encoding), the cache is dropped.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AppendTexts(ReadOnlySpan<ReadOnlyMemory<char>?> values)
    {
        const int Probe = 4096;
        var text = _text ?? throw new InvalidOperationException($"Column '{Name}' is not a text column.");
        Dictionary<SliceKey, int>? slices = new();
        var misses = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not { Length: > 0 } m)
            {
                text.AppendMissing();
                continue;
            }

            if (slices is null || !MemoryMarshal.TryGetArray(m, out var segment))
            {
                if (_missing.IsMissing(m.Span))
                {
                    text.AppendMissing();
                }
                else
                {
                    text.Append(m.Span);
                }

                continue;
            }

            var key = new SliceKey(segment.Array!, segment.Offset, segment.Count);
            if (!slices.TryGetValue(key, out var code))
            {
                code = _missing.IsMissing(m.Span) ? -1 : text.GetOrAddCode(m.Span);
                slices.Add(key, code);
                if (++misses > Probe / 2 && i < Probe * 2)
                {
                    slices = null;
                }
            }

            text.AppendCode(code);
        }
    }

    /// <summary>Builds the column.</summary>
    public Column Build() => _text is not null ? _text.Build() : _numbers!.Build();

    private static NumericColumnBuilder Rebuild(NumericColumnBuilder source, ColumnKind kind, int capacity)
    {
        var built = source.Build();
        var result = new NumericColumnBuilder(source.Name, kind, Math.Max(capacity, built.Length));
        result.AppendRange(built.Values);
        return result;
    }

    private void AppendConverted(ReadOnlySpan<char> text)
    {
        switch (_mode)
        {
            case Mode.Text:
                _text!.Append(text);
                break;
            case Mode.Numeric:
                // Callers check forced kinds first (Check): what does not convert here is NaN allowed as missing.
                _numbers!.Append(ValueParsing.TryParseNumber(text, out var n) ? n : double.NaN);
                break;
            case Mode.Timestamp:
                _numbers!.Append(ValueParsing.TryParseTimestamp(text, out var t) ? t : double.NaN);
                break;
            default:
                throw new InvalidOperationException("Unreachable: inferring columns are handled by the caller.");
        }
    }

    private void SwitchToText()
    {
        var text = new TextColumnBuilder(Name, Math.Max(_capacity, Count));
        _raw?.CopyTo(text);
        _text = text;
        _numbers = null;
        _raw = null;
        _mode = Mode.Text;
    }

    private readonly struct SliceKey(object buffer, int offset, int length) : IEquatable<SliceKey>
    {
        private readonly object _buffer = buffer;
        private readonly int _offset = offset;
        private readonly int _length = length;

        public bool Equals(SliceKey other) => ReferenceEquals(_buffer, other._buffer) && _offset == other._offset && _length == other._length;

        public override bool Equals(object? obj) => obj is SliceKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(_buffer), _offset, _length);
    }
}
