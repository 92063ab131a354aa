namespace Pipelines.Orchestration;

/// <summary>This worker's lease on an execution expired and another delivery took it over: stop without publishing.</summary>
public sealed class LeaseLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LeaseLostException(long executionId) : base($"Lost the lease on execution {executionId}: another worker took it over.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public LeaseLostException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public LeaseLostException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public LeaseLostException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
