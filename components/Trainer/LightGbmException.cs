namespace Pipelines.Components;

/// <summary>The native LightGBM library refused a call; the message is LightGBM's own.</summary>
public sealed class LightGbmException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LightGbmException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public LightGbmException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public LightGbmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
