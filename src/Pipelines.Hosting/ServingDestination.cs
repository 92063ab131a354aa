using Pipelines.Components;

namespace Pipelines.Hosting;

/// <summary>The push destination and model name the verbs <c>serve</c>, <c>models</c> and <c>rollback</c> default to: the
/// pipeline's <see cref="Pusher"/> (its destination parameter's default, resolved against the current directory like
/// <c>run</c> resolves it).</summary>
internal static class ServingDestination
{
    public static string Resolve(Pipeline pipeline, string? given)
    {
        if (given is not null)
        {
            return Path.GetFullPath(given);
        }

        var pusher = pipeline.Components.OfType<Pusher>().FirstOrDefault()
            ?? throw new HostUsageException($"Pipeline '{pipeline.Name}' has no Pusher, so there is no default push destination: pass --models <directory>.");
        return Path.GetFullPath(pusher.DestinationParameter.DefaultValue);
    }

    public static string ModelName(Pipeline pipeline) =>
        pipeline.Components.OfType<Pusher>().FirstOrDefault()?.ModelNameIn(pipeline.Name) ?? pipeline.Name;
}
