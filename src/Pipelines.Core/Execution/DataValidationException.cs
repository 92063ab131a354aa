namespace Pipelines;

/// <summary>The input data is bad: the node fails at once (no retry) with this message, which says what, where and how to fix.</summary>
public class DataValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataValidationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DataValidationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DataValidationException()
    {
    }

    /// <summary>
    /// Output ports the executor finished writing before it failed and that explain the failure (ExampleValidator's anomalies).
    /// The orchestrator publishes exactly these as Live with the Failed execution, so users can read them; they are never
    /// reused by the cache nor seen by downstream nodes (which are canceled). Other outputs are abandoned.
    /// </summary>
    public IReadOnlyList<string> OutputsToPublish { get; init; } = [];
}
