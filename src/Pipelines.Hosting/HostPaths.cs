namespace Pipelines.Hosting;

/// <summary>
/// Where a pipeline keeps its state on this machine. Defaults: the project folder <c>.pipelines/</c> in the current directory
/// (SQLite file <c>metadata.db</c> and <c>artifacts/</c>), curated schemas in the nearest <c>schemas/</c> folder up the tree.
/// Environment: <c>PIPELINES_DB</c>, <c>PIPELINES_HOME</c>, <c>PIPELINES_ARTIFACTS</c>.
/// </summary>
/// <param name="Home">The project folder.</param>
/// <param name="Database">The <c>--db</c> value (null = embedded SQLite in <paramref name="Home"/>).</param>
/// <param name="ArtifactRoot">The artifact root.</param>
/// <param name="SchemaDirectory">The curated schemas folder.</param>
public sealed record HostPaths(string Home, string? Database, string ArtifactRoot, string SchemaDirectory)
{
    /// <summary>Resolves the paths from options, then environment, then defaults.</summary>
    public static HostPaths Resolve(string? db, string? home, string? artifacts)
    {
        var cwd = Directory.GetCurrentDirectory();
        var resolvedHome = Path.GetFullPath(home ?? Environment.GetEnvironmentVariable("PIPELINES_HOME") ?? Path.Combine(cwd, ".pipelines"));
        var database = db ?? Environment.GetEnvironmentVariable("PIPELINES_DB");
        var artifactRoot = Path.GetFullPath(artifacts ?? Environment.GetEnvironmentVariable("PIPELINES_ARTIFACTS") ?? Path.Combine(resolvedHome, "artifacts"));
        return new HostPaths(resolvedHome, string.IsNullOrWhiteSpace(database) ? null : database, artifactRoot, FindSchemas(cwd));
    }

    private static string FindSchemas(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "schemas");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(start, "schemas");
    }
}
