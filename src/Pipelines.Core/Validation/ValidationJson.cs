using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Validation;

/// <summary>The JSON settings shared by statistics, schema and anomaly files: camelCase names, enums as camelCase strings,
/// nulls omitted, named floating point literals (<c>"NaN"</c>, <c>"Infinity"</c>) allowed so odd data never breaks a write.</summary>
internal static class ValidationJson
{
    /// <summary>For writing and for reading files we wrote (statistics, anomalies).</summary>
    public static JsonSerializerOptions Default { get; } = Create(strict: false);

    /// <summary>For hand-edited schema files: comments and trailing commas allowed, unknown or missing members rejected
    /// so a typo such as <c>minFracton</c> fails loudly instead of silently loosening a check.</summary>
    public static JsonSerializerOptions Strict { get; } = Create(strict: true);

    private static JsonSerializerOptions Create(bool strict)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            WriteIndented = true,

            // Files for humans and tools, never embedded in HTML: keep quotes and arrows in messages readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            PropertyNameCaseInsensitive = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        };
        if (strict)
        {
            options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        }

        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> (directory created if needed).</summary>
    public static async Task SaveAsync<T>(T value, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, value, Default, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a file we wrote; a parse error names the file and the position.</summary>
    public static async Task<T> LoadAsync<T>(string path, string what, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {what} file '{path}' does not exist.", path);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<T>(stream, Default, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"The {what} file '{path}' holds null.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The {what} file '{path}' cannot be read: {Describe(e)}", e);
            }
        }
    }

    /// <summary>A JSON error as "reason (line L, position P, at $.path)", 1-based.</summary>
    public static string Describe(JsonException e)
    {
        var reason = e.Message;
        var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        if (cut > 0)
        {
            reason = reason[..cut];
        }

        var where = e.LineNumber is { } line
            ? $"line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}"
            : "unknown position";
        return string.IsNullOrEmpty(e.Path) ? $"{reason} ({where})" : $"{reason} ({where}, at {e.Path})";
    }
}
