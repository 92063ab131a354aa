namespace Pipelines;

/// <summary>An output port of one component, to be wired to inputs of others (TFX's channel).</summary>
public class Channel
{
    internal Channel(Component producer, string port, Type artifactType)
    {
        Producer = producer;
        Port = port;
        ArtifactType = artifactType;
    }

    /// <summary>The component that writes this channel.</summary>
    public Component Producer { get; }

    /// <summary>The producer's output port name.</summary>
    public string Port { get; }

    /// <summary>The artifact type carried.</summary>
    public Type ArtifactType { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Producer.Id}.{Port} ({Artifact.TypeNameOf(ArtifactType)})";
}

/// <summary>A channel carrying artifacts of type <typeparamref name="T"/>: a wrong wiring does not compile.</summary>
public sealed class Channel<T> : Channel where T : Artifact
{
    internal Channel(Component producer, string port) : base(producer, port, typeof(T))
    {
    }
}
