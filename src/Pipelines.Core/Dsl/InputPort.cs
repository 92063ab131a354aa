namespace Pipelines;

/// <summary>A declared input of a component and the channel wired to it (null when unconnected).</summary>
/// <param name="Name">The port name, recorded on input events.</param>
/// <param name="ArtifactType">The artifact type the port accepts.</param>
/// <param name="Required">Whether the node cannot run without it.</param>
/// <param name="Channel">The wired channel, or null.</param>
public sealed record InputPort(string Name, Type ArtifactType, bool Required, Channel? Channel);

/// <summary>A declared output of a component.</summary>
/// <param name="Name">The port name, recorded on output events and in artifact URIs.</param>
/// <param name="ArtifactType">The artifact type produced.</param>
public sealed record OutputPort(string Name, Type ArtifactType);
