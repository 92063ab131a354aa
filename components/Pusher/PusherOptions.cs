namespace Pipelines.Components;

/// <summary>Options of a <see cref="Pusher"/>.</summary>
public sealed record PusherOptions
{
    /// <summary>The served model name (the URL's <c>/v1/models/{name}</c>); null = the pipeline's name.</summary>
    public string? ModelName { get; init; }

    /// <summary>The push destination after parameters are bound (set by the node from its destination parameter).</summary>
    public string? Destination { get; init; }
}
