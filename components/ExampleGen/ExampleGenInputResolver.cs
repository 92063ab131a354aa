using System.Globalization;
using System.Security.Cryptography;

namespace Pipelines.Components;

/// <summary>Resolves ExampleGen's input pattern(s) to files before the cache lookup (TFX's ExampleGen driver): picks the span
/// and version, lists directories, and hashes every file so the cache key is exact.</summary>
internal static class ExampleGenInputResolver
{
    /// <summary>The fact holding the span.</summary>
    public const string SpanFact = "span";

    /// <summary>The fact holding the version.</summary>
    public const string VersionFact = "version";

    /// <summary>The prefix of the per pre-split file count facts (<c>split_files.train</c> = <c>2</c>).</summary>
    public const string SplitFilesFactPrefix = "split_files.";

    /// <summary>Resolves the files to read, in reading order, with span and version facts.</summary>
    public static async Task<ExternalInputs> ResolveAsync(ExampleGenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        var paths = new List<string>();
        Resolution? first = null;
        string? firstName = null;
        if (options.InputSplits is { Count: > 0 } splits)
        {
            foreach (var split in splits)
            {
                var pattern = Path.GetFullPath(Path.Combine(options.Input, split.Pattern));
                var r = Resolve(pattern, options);
                if (first is not null && (first.Span != r.Span || first.Version != r.Version))
                {
                    throw new DataValidationException(
                        $"Input splits resolve to different spans: '{firstName}' to span {Describe(first)}, '{split.Name}' to span {Describe(r)}. " +
                        "Make every split's data available for the same span, or set ExampleGenOptions.Span.");
                }

                first ??= r;
                firstName ??= split.Name;
                paths.AddRange(r.Files);
                facts[SplitFilesFactPrefix + split.Name] = r.Files.Count.ToString(CultureInfo.InvariantCulture);
            }
        }
        else
        {
            first = Resolve(options.Input, options);
            paths.AddRange(first.Files);
        }

        // No {SPAN}, no span fact (and no span property): inventing span 0 would make every such artifact "span 0".
        if (first!.Span is { } span)
        {
            facts[SpanFact] = span.ToString(CultureInfo.InvariantCulture);
        }

        if (first.Version is { } version)
        {
            facts[VersionFact] = version.ToString(CultureInfo.InvariantCulture);
        }

        var files = new List<ExternalFile>(paths.Count);
        foreach (var path in paths)
        {
            files.Add(await IdentifyAsync(path, cancellationToken).ConfigureAwait(false));
        }

        return new ExternalInputs(files, facts);
    }

    private static string Describe(Resolution r) =>
        (r.Span is { } span ? span.ToString(CultureInfo.InvariantCulture) : "(none: no {SPAN} in its pattern)") + (r.Version is null ? "" : $" version {r.Version}");

    private static async Task<ExternalFile> IdentifyAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return new ExternalFile(info.FullName, info.Length, info.LastWriteTimeUtc, Convert.ToHexStringLower(hash));
        }
    }

    private static Resolution Resolve(string pattern, ExampleGenOptions options)
    {
        var parsed = SpanPattern.Parse(pattern);
        if (options.Span is not null && !parsed.HasSpan)
        {
            throw new DataValidationException(
                $"ExampleGenOptions.Span is {options.Span} but the input '{pattern}' has no {{SPAN}} placeholder. Add {{SPAN}} to the path or unset Span.");
        }

        string path;
        long? span = null;
        long? version = null;
        if (!parsed.HasSpan)
        {
            path = pattern;
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new DataValidationException(
                    $"Input '{pattern}' does not exist. Point the input at an existing file or directory (relative paths are resolved against the working directory).");
            }
        }
        else
        {
            var matches = parsed.Match();
            if (matches.Count == 0)
            {
                throw new DataValidationException(
                    $"No file or directory matches the input pattern '{pattern}'. Check the path; {{SPAN}} matches digits, e.g. span-3 for span-{{SPAN}}.");
            }

            var spans = matches.Select(m => m.Span!.Value).Distinct().Order().ToList();
            if (options.Span is { } requested)
            {
                if (!spans.Contains(requested))
                {
                    throw new DataValidationException(
                        $"Span {requested} was requested but '{pattern}' has span(s) {string.Join(", ", spans)}. Set ExampleGenOptions.Span to one of them, or unset it to read the newest.");
                }

                span = requested;
            }
            else
            {
                span = spans[^1];
            }

            var candidates = matches.Where(m => m.Span == span).ToList();
            if (parsed.HasVersion)
            {
                version = candidates.Max(m => m.Version!.Value);
                candidates = [.. candidates.Where(m => m.Version == version)];
            }

            if (candidates.Count > 1)
            {
                throw new DataValidationException(
                    $"Input pattern '{pattern}' is ambiguous: {string.Join(" and ", candidates.Select(c => $"'{c.Path}'"))} are all span {span}" +
                    (version is null ? "" : $" version {version}") + ". Remove or rename all but one.");
            }

            path = candidates[0].Path;
        }

        return new Resolution(ExpandToFiles(path, options.Format), span, version);
    }

    private static List<string> ExpandToFiles(string path, ExampleGenFormat format)
    {
        if (File.Exists(path))
        {
            return [Path.GetFullPath(path)];
        }

        var files = Directory.EnumerateFiles(path)
            .Where(f => InputFormats.IsDataFile(f, format))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            var what = format == ExampleGenFormat.Auto ? $"data files ({InputFormats.KnownExtensions})" : $"{format} files";
            throw new DataValidationException(
                $"Input directory '{path}' has no {what}. Put the data files there or point the input at a file.");
        }

        if (format == ExampleGenFormat.Auto)
        {
            var formats = files.Select(f => InputFormats.FromExtension(f)!.Value).Distinct().ToList();
            if (formats.Count > 1)
            {
                throw new DataValidationException(
                    $"Input directory '{path}' mixes {string.Join(" and ", formats)} files. Keep one format per input, or set ExampleGenOptions.Format to pick one.");
            }
        }

        return files;
    }

    private sealed record Resolution(IReadOnlyList<string> Files, long? Span, long? Version);
}
