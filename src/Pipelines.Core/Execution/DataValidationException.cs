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
}
