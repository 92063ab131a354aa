namespace Pipelines;

/// <summary>A failure a retry may fix (I/O hiccup, lost connection). The orchestrator retries a bounded number of times.</summary>
public sealed class TransientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransientException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TransientException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TransientException()
    {
    }
}
