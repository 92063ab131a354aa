using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>Where an engine keeps its state and how it runs.</summary>
/// <param name="Metadata">The metadata store (its provider also picks Hangfire's storage: in-memory for SQLite, PostgreSQL for PostgreSQL).</param>
/// <param name="ArtifactRoot">The artifact root folder.</param>
/// <param name="SchemaDirectory">The curated schemas folder.</param>
/// <param name="Runner">Runner knobs.</param>
public sealed record EngineSettings(MetadataStoreOptions Metadata, string ArtifactRoot, string SchemaDirectory, RunnerOptions Runner);
