using System.Runtime.CompilerServices;

namespace Pipelines.Components;

/// <summary>Decides whether a text value is missing: empty, only whitespace, or (trimmed) one of
/// <see cref="ExampleGenOptions.MissingValues"/>.</summary>
internal sealed class MissingValueSet
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _tokens;

    /// <summary>Creates the set from the option's values (empty and whitespace-only entries add nothing: always missing).</summary>
    public MissingValueSet(IEnumerable<string>? tokens)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens ?? [])
        {
            var trimmed = token.Trim();
            if (trimmed.Length > 0)
            {
                set.Add(trimmed);
            }
        }

        _tokens = set.Count == 0 ? null : set.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The set with only the rules that always apply (empty and whitespace-only values are missing).</summary>
    public static MissingValueSet Default { get; } = new(null);

    /// <summary>Whether the option lists tokens beyond the empty string.</summary>
    public bool HasTokens => _tokens is not null;

    /// <summary>Whether <paramref name="text"/> is a missing value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMissing(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return true;
        }

        // The common case: no surrounding whitespace, so no trimming.
        if (!char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1]))
        {
            return _tokens is { } exact && exact.Contains(text);
        }

        var trimmed = text.Trim();
        return trimmed.IsEmpty || (_tokens is { } tokens && tokens.Contains(trimmed));
    }
}
