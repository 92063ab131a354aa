using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Starts engines on SQLite or on a fresh PostgreSQL database.</summary>
public static class EngineFactory
{
    /// <summary>Metadata options for a kind, or null when PostgreSQL is unavailable locally (the test then returns early).</summary>
    public static async Task<MetadataStoreOptions?> MetadataAsync(StoreKind kind, string folder) =>
        kind == StoreKind.Sqlite
            ? new MetadataStoreOptions(MetadataProvider.Sqlite, $"Data Source={Path.Combine(folder, "metadata.db")}")
            : await PostgresServer.CreateDatabaseAsync() is { } cs
                ? new MetadataStoreOptions(MetadataProvider.PostgreSql, cs)
                : null;

    public static Task<PipelineEngine> StartAsync(Pipeline pipeline, MetadataStoreOptions metadata, string folder, RunnerOptions? runner = null) =>
        PipelineEngine.StartAsync(
            pipeline,
            new EngineSettings(metadata, Path.Combine(folder, "artifacts"), Path.Combine(folder, "schemas"), runner ?? new RunnerOptions { RetryDelay = TimeSpan.FromMilliseconds(200) }),
            TimeProvider.System,
            null,
            CancellationToken.None);
}
