namespace Pipelines.Serving;

/// <summary>A prediction request the model cannot take: answered with HTTP 400 and this message, never a server error.</summary>
/// <param name="message">What is wrong, where (instance index, column) and how to fix it.</param>
/// <param name="column">The column concerned, when one is.</param>
/// <param name="instance">The 0-based instance index concerned, when one is.</param>
public sealed class RequestValidationException(string message, string? column = null, int? instance = null) : Exception(message)
{
    /// <summary>The column concerned, when one is.</summary>
    public string? Column { get; } = column;

    /// <summary>The 0-based instance index concerned, when one is.</summary>
    public int? Instance { get; } = instance;
}
