namespace Pipelines.Components;

/// <summary>Maps file extensions to <see cref="ExampleGenFormat"/>s.</summary>
internal static class InputFormats
{
    /// <summary>The extensions recognized, for messages.</summary>
    public const string KnownExtensions = ".csv, .tsv, .parquet, .json, .jsonl, .ndjson";

    /// <summary>The format an extension implies, or null when it implies none.</summary>
    public static ExampleGenFormat? FromExtension(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".CSV" or ".TSV" => ExampleGenFormat.Csv,
        ".PARQUET" => ExampleGenFormat.Parquet,
        ".JSON" or ".JSONL" or ".NDJSON" => ExampleGenFormat.Json,
        _ => null,
    };

    /// <summary>The format to read <paramref name="path"/> with.</summary>
    /// <exception cref="DataValidationException">Auto and the extension is unknown.</exception>
    public static ExampleGenFormat Of(string path, ExampleGenFormat configured)
    {
        if (configured != ExampleGenFormat.Auto)
        {
            return configured;
        }

        return FromExtension(path) ?? throw new DataValidationException(
            $"Cannot tell the format of '{path}' from its extension (known: {KnownExtensions}). Set ExampleGenOptions.Format.");
    }

    /// <summary>The CSV separator for <paramref name="path"/>: tab for <c>.tsv</c> when the option is left at its default.</summary>
    public static char SeparatorOf(string path, char configured) =>
        configured == ',' && Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : configured;

    /// <summary>Whether a file in an input directory is data of <paramref name="configured"/> (hidden and <c>_</c> files never are).</summary>
    public static bool IsDataFile(string path, ExampleGenFormat configured)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith('.') || name.StartsWith('_'))
        {
            return false;
        }

        var format = FromExtension(path);
        if (configured == ExampleGenFormat.Auto)
        {
            return format is not null;
        }

        // With an explicit format, extension-less and .txt/.dat files count too (exports often carry no telling extension).
        return format == configured || (format is null && Path.GetExtension(path).ToUpperInvariant() is "" or ".TXT" or ".DAT");
    }
}
