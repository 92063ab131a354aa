using System.CommandLine;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.Hosting;

/// <summary>Options every verb takes: where the metadata store and the artifacts are.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Db { get; } = new("--db")
    {
        Description = "Metadata store: a PostgreSQL connection string (Host=...;Database=...) or URL (postgres://...), or a SQLite file. Default: $PIPELINES_DB, else .pipelines/metadata.db",
        Recursive = true,
    };

    public Option<string?> Home { get; } = new("--home")
    {
        Description = "Project folder for the embedded store and artifacts. Default: $PIPELINES_HOME, else ./.pipelines",
        Recursive = true,
    };

    public Option<string?> Artifacts { get; } = new("--artifacts")
    {
        Description = "Artifact root (a shared mount when workers run on several machines). Default: $PIPELINES_ARTIFACTS, else <home>/artifacts",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Db);
        command.Options.Add(Home);
        command.Options.Add(Artifacts);
    }

    public HostPaths Paths(ParseResult parse) => HostPaths.Resolve(parse.GetValue(Db), parse.GetValue(Home), parse.GetValue(Artifacts));

    public static MetadataStoreOptions Metadata(HostPaths paths) => MetadataStoreOptions.Parse(paths.Database, paths.Home);

    public static async Task<MetadataStore> OpenStoreAsync(HostPaths paths, CancellationToken cancellationToken)
    {
        var options = Metadata(paths);
        try
        {
            return await MetadataStore.OpenAsync(options, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MetadataStore.IsTransient(ex) || ex is Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or ArgumentException)
        {
            throw new HostUsageException($"cannot open the metadata store ({options.Redacted()}): {ex.Message}", ex);
        }
    }

    public static EngineSettings Settings(HostPaths paths, RunnerOptions runner) =>
        new(Metadata(paths), paths.ArtifactRoot, paths.SchemaDirectory, runner);
}
