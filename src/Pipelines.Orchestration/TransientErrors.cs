using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>Transient versus permanent is decided by exception type, never by matching message text.</summary>
public static class TransientErrors
{
    /// <summary>Whether a retry may fix <paramref name="exception"/>: I/O hiccups, timeouts, lost database connections.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        DataValidationException => false,
        TransientException => true,
        FileNotFoundException or DirectoryNotFoundException or PathTooLongException => false,
        IOException => true,
        TimeoutException => true,
        AggregateException { InnerExceptions.Count: 1 } a => IsTransient(a.InnerExceptions[0]),
        _ => MetadataStore.IsTransient(exception),
    };
}
