namespace Pipelines;

/// <summary>An input file cannot be parsed: names the file, the row (1-based line for text, row index for Parquet) and the reason.</summary>
public sealed class MalformedInputException : DataValidationException
{
    /// <summary>Creates the exception.</summary>
    public MalformedInputException(string file, long row, string reason, Exception? innerException = null)
        : base($"Malformed input in '{file}' at row {row}: {reason}", innerException ?? new InvalidDataException(reason))
    {
        File = file;
        Row = row;
        Reason = reason;
    }

    /// <summary>Creates the exception.</summary>
    public MalformedInputException() : this("", 0, "malformed input")
    {
    }

    /// <summary>Creates the exception.</summary>
    public MalformedInputException(string message) : this("", 0, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MalformedInputException(string message, Exception innerException) : this("", 0, message, innerException)
    {
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>The row or line number (0 when unknown).</summary>
    public long Row { get; }

    /// <summary>Why the row is malformed.</summary>
    public string Reason { get; }
}
