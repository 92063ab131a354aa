namespace Pipelines.Serving;

/// <summary>A model version the server refuses to load (hash mismatch, unreadable file, not a predictor), with the reason.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A version that is not complete yet (its push is not recorded in the promotion log): retried at the next poll, not
/// refused.</summary>
public sealed class ModelNotReadyException(string message) : Exception(message);
