namespace Pipelines;

/// <summary>An input port filled from the metadata store by a resolver rather than by wiring (TFX resolver nodes).</summary>
/// <param name="Name">The port name, recorded on input events.</param>
/// <param name="ArtifactType">The artifact type resolved.</param>
/// <param name="Resolver">Finds the artifacts.</param>
public sealed record ResolvedInputPort(string Name, Type ArtifactType, IInputResolver Resolver);
