using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Starts engines on SQLite or on a fresh PostgreSQL database.</summary>
public static class EngineFactory
{
    /// <summary>Metadata options for a kind; skips the test when PostgreSQL is not configured locally (fails in CI).</summary>
    public static async Task<MetadataStoreOptions> MetadataAsync(StoreKind kind, string folder)
    {
        if (kind == StoreKind.Sqlite)
        {
            return new MetadataStoreOptions(MetadataProvider.Sqlite, $"Data Source={Path.Combine(folder, "metadata.db")}");
        }

        var cs = await PostgresServer.CreateDatabaseAsync();
        Skip.If(cs is null, $"PostgreSQL not configured: set {PostgresServer.EnvironmentVariable} (bash .ci/run does) to run this scenario.");
        return new MetadataStoreOptions(MetadataProvider.PostgreSql, cs!);
    }

    public static Task<PipelineEngine> StartAsync(Pipeline pipeline, MetadataStoreOptions metadata, string folder, RunnerOptions? runner = null) =>
        PipelineEngine.StartAsync(
            pipeline,
            new EngineSettings(metadata, Path.Combine(folder, "artifacts"), Path.Combine(folder, "schemas"), runner ?? new RunnerOptions { RetryDelay = TimeSpan.FromMilliseconds(200) }),
            TimeProvider.System,
            null,
            CancellationToken.None);
}
