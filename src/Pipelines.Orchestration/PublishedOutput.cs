namespace Pipelines.Orchestration;

/// <summary>A pending output ready to be published: its final properties and content hash.</summary>
/// <param name="ArtifactId">The pending artifact.</param>
/// <param name="Port">The output port it was written to.</param>
/// <param name="PropertiesJson">Properties as a JSON object.</param>
/// <param name="ContentHash">SHA-256 of its directory.</param>
/// <param name="SizeBytes">Total bytes.</param>
/// <param name="TypeName">Its artifact type (a <c>PushedModel</c> that was pushed also appends to the promotion log).</param>
public sealed record PublishedOutput(long ArtifactId, string Port, string PropertiesJson, string ContentHash, long SizeBytes, string TypeName = "");
