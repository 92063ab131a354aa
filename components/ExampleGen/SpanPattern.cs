using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipelines.Components;

/// <summary>A path that may contain <c>{SPAN}</c>/<c>{SPAN:n}</c> and <c>{VERSION}</c>/<c>{VERSION:n}</c> placeholders
/// (TFX EG-7/EG-9), and the paths on disk that match it.</summary>
internal sealed partial class SpanPattern
{
    private readonly string[] _segments;
    private readonly string _root;

    private SpanPattern(string pattern)
    {
        Pattern = pattern;
        _root = Path.GetPathRoot(pattern) ?? "";
        _segments = pattern[_root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        HasSpan = pattern.Contains("{SPAN", StringComparison.Ordinal);
        HasVersion = pattern.Contains("{VERSION", StringComparison.Ordinal);
    }

    /// <summary>The absolute pattern.</summary>
    public string Pattern { get; }

    /// <summary>Whether the pattern has a span placeholder.</summary>
    public bool HasSpan { get; }

    /// <summary>Whether the pattern has a version placeholder.</summary>
    public bool HasVersion { get; }

    /// <summary>Parses and checks an absolute pattern.</summary>
    public static SpanPattern Parse(string pattern)
    {
        foreach (Match m in AnyPlaceholder().Matches(pattern))
        {
            if (!KnownPlaceholder().IsMatch(m.Value))
            {
                throw new DataValidationException(
                    $"Input pattern '{pattern}' has the unsupported placeholder {m.Value}. Supported: {{SPAN}}, {{SPAN:n}}, {{VERSION}}, {{VERSION:n}}.");
            }
        }

        var result = new SpanPattern(pattern);
        if (result.HasVersion && !result.HasSpan)
        {
            throw new DataValidationException(
                $"Input pattern '{pattern}' has {{VERSION}} without {{SPAN}}; a version is a version of a span. Add {{SPAN}} to the pattern.");
        }

        return result;
    }

    /// <summary>Every existing file or directory matching the pattern, with its span and version.</summary>
    public List<SpanMatch> Match()
    {
        var result = new List<SpanMatch>();
        Walk(_root.Length == 0 ? Directory.GetCurrentDirectory() : _root, 0, null, null, result);
        return result;
    }

    private void Walk(string directory, int index, long? span, long? version, List<SpanMatch> result)
    {
        if (index == _segments.Length)
        {
            if (File.Exists(directory) || Directory.Exists(directory))
            {
                result.Add(new SpanMatch(directory, span, version));
            }

            return;
        }

        var segment = _segments[index];
        if (!segment.Contains('{', StringComparison.Ordinal))
        {
            Walk(Path.Combine(directory, segment), index + 1, span, version, result);
            return;
        }

        if (!Directory.Exists(directory))
        {
            return;
        }

        var regex = SegmentRegex(segment);
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            var m = regex.Match(Path.GetFileName(entry));
            if (!m.Success)
            {
                continue;
            }

            var s = span;
            var v = version;
            if (!Capture(m, "SPAN", ref s) || !Capture(m, "VERSION", ref v))
            {
                continue;
            }

            if (index + 1 < _segments.Length && !Directory.Exists(entry))
            {
                continue;
            }

            Walk(entry, index + 1, s, v, result);
        }
    }

    // Returns false when the placeholder appeared earlier in the path with a different value.
    private static bool Capture(Match m, string name, ref long? value)
    {
        var group = m.Groups[name];
        if (!group.Success)
        {
            return true;
        }

        if (!long.TryParse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        if (value is not null && value != parsed)
        {
            return false;
        }

        value = parsed;
        return true;
    }

    private static Regex SegmentRegex(string segment)
    {
        var builder = new StringBuilder("^");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var last = 0;
        foreach (Match m in KnownPlaceholder().Matches(segment))
        {
            builder.Append(Regex.Escape(segment[last..m.Index]));
            var name = m.Groups["name"].Value;
            var digits = m.Groups["width"].Success ? "\\d{" + m.Groups["width"].Value + "}" : "\\d+";
            builder.Append(seen.Add(name) ? $"(?<{name}>{digits})" : $"\\k<{name}>");
            last = m.Index + m.Length;
        }

        builder.Append(Regex.Escape(segment[last..])).Append('$');
        return new Regex(builder.ToString(), RegexOptions.CultureInvariant);
    }

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex AnyPlaceholder();

    [GeneratedRegex(@"\{(?<name>SPAN|VERSION)(?::(?<width>[1-9][0-9]?))?\}")]
    private static partial Regex KnownPlaceholder();
}

/// <summary>A path matching a <see cref="SpanPattern"/>.</summary>
/// <param name="Path">The file or directory.</param>
/// <param name="Span">Its span, when the pattern has one.</param>
/// <param name="Version">Its version, when the pattern has one.</param>
internal sealed record SpanMatch(string Path, long? Span, long? Version);
