namespace Pipelines.Serving;

/// <summary>How the model server listens and what it accepts.</summary>
public sealed record ServingOptions
{
    /// <summary>The default address: loopback, TensorFlow Serving's REST port.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8501";

    /// <summary>Addresses to listen on. Anything but loopback requires <see cref="ApiKey"/>.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>The key clients send as <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>; null = none (loopback only).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Most instances in one request.</summary>
    public int MaxInstances { get; init; } = 1000;

    /// <summary>Largest request body in bytes.</summary>
    public long MaxBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How often the push destination is checked for new versions.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>When set, served requests and their predictions are appended here as JSON lines (one file per model and day).</summary>
    public string? RequestLogDirectory { get; init; }
}
