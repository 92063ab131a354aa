namespace Pipelines.Serving;

/// <summary>A model version the server refuses to load (hash mismatch, unreadable file, not a predictor), with the reason.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
