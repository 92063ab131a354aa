using System.Globalization;

namespace Pipelines.Components;

/// <summary>How ExampleGen reads numbers and timestamps from text (invariant culture, never the machine's locale).</summary>
internal static class ValueParsing
{
    private const NumberStyles NumberStyle = NumberStyles.Float;

    /// <summary>What a text value is as a number.</summary>
    public enum NumberClass
    {
        /// <summary>A finite number.</summary>
        Finite,

        /// <summary>A NaN token (<c>NaN</c>, <c>nan</c>, <c>-NaN</c>, ...).</summary>
        NaN,

        /// <summary>An infinity token (<c>Inf</c>, <c>-Infinity</c>, ...) or a number beyond the range of a double (<c>1e400</c>).</summary>
        Infinite,

        /// <summary>Not a number.</summary>
        NotANumber,
    }

    /// <summary>Classifies <paramref name="text"/> as a number (surrounding ASCII whitespace allowed). Whatever is not
    /// <see cref="NumberClass.NotANumber"/> is ASCII, so its raw text may go into a <see cref="RawTextBuffer"/>.</summary>
    public static NumberClass Classify(ReadOnlySpan<char> text, out double value)
    {
        if (double.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out value))
        {
            return double.IsFinite(value) ? NumberClass.Finite : double.IsNaN(value) ? NumberClass.NaN : NumberClass.Infinite;
        }

        // double.TryParse knows "Infinity" but not the short "inf" that numpy, pandas and R write.
        var t = text.Trim(" \t\n\v\f\r");
        if (t.Length is 3 or 4 && (t.Length == 3 || t[0] is '+' or '-') && t[^3..].Equals("inf", StringComparison.OrdinalIgnoreCase))
        {
            value = t[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return NumberClass.Infinite;
        }

        value = double.NaN;
        return NumberClass.NotANumber;
    }

    /// <summary>Parses a finite number (<c>1</c>, <c>-2.5e3</c>, surrounding spaces allowed); NaN, infinities and numbers out of
    /// range are not.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value) => Classify(text, out value) == NumberClass.Finite;

    /// <summary>Parses a timestamp (ISO 8601 and other invariant forms; no offset = UTC) or a finite number of seconds since
    /// the Unix epoch, to seconds since the Unix epoch.</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> text, out double seconds)
    {
        if (TryParseNumber(text, out seconds))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var t))
        {
            seconds = SecondsSinceEpoch(t.UtcTicks);
            return true;
        }

        seconds = double.NaN;
        return false;
    }

    /// <summary>Why a non-finite value cannot go into column <paramref name="column"/>, and how to fix it.</summary>
    public static string NonFiniteReason(ReadOnlySpan<char> text, string column)
    {
        var t = Shorten(text.Trim());
        return t.AsSpan().ContainsAnyInRange('0', '9')
            ? $"number '{t}' in column '{column}' is out of range (beyond ±1.8e308)"
            : $"non-finite number '{t}' in column '{column}'; list it in MissingValues to treat it as missing";
    }

    /// <summary>The value, cut to 40 characters for messages.</summary>
    public static string Shorten(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..37], "...");

    /// <summary>Converts ticks (100 ns since 0001-01-01, UTC) to seconds since the Unix epoch.</summary>
    public static double SecondsSinceEpoch(long ticks) => (ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>Formats a number as text, round-trippable (a number read into a forced Text column).</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
