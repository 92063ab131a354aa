using System.Globalization;

namespace Pipelines.Components;

/// <summary>How ExampleGen reads numbers and timestamps from text (invariant culture, never the machine's locale).</summary>
internal static class ValueParsing
{
    private const NumberStyles NumberStyle = NumberStyles.Float;

    /// <summary>Parses a number (<c>1</c>, <c>-2.5e3</c>, surrounding spaces allowed).</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out value);

    /// <summary>Parses a timestamp (ISO 8601 and other invariant forms; no offset = UTC) or a number of seconds since the
    /// Unix epoch, to seconds since the Unix epoch.</summary>
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

    /// <summary>Converts ticks (100 ns since 0001-01-01, UTC) to seconds since the Unix epoch.</summary>
    public static double SecondsSinceEpoch(long ticks) => (ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>Formats a number as text, round-trippable (a number read into a forced Text column).</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
