namespace Pipelines.Metadata;

/// <summary>Where the metadata store lives.</summary>
/// <param name="Provider">SQLite (embedded default) or PostgreSQL.</param>
/// <param name="ConnectionString">The provider's connection string.</param>
public sealed record MetadataStoreOptions(MetadataProvider Provider, string ConnectionString)
{
    /// <summary>
    /// Chooses the provider from a <c>--db</c> value: a PostgreSQL connection string (<c>Host=...</c>) or URL
    /// (<c>postgres://...</c>), a SQLite file path (<c>*.db</c>, or <c>Data Source=...</c>); null = the embedded SQLite file
    /// under <paramref name="defaultDirectory"/>.
    /// </summary>
    public static MetadataStoreOptions Parse(string? db, string defaultDirectory)
    {
        if (string.IsNullOrWhiteSpace(db))
        {
            Directory.CreateDirectory(defaultDirectory);
            return new(MetadataProvider.Sqlite, $"Data Source={Path.Combine(defaultDirectory, "metadata.db")}");
        }

        var value = db.Trim();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new(MetadataProvider.PostgreSql, FromUrl(new Uri(value)));
        }

        if (value.Contains("Host=", StringComparison.OrdinalIgnoreCase) || value.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return new(MetadataProvider.PostgreSql, value);
        }

        if (value.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase))
        {
            return new(MetadataProvider.Sqlite, value);
        }

        var full = Path.GetFullPath(value);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new(MetadataProvider.Sqlite, $"Data Source={full}");
    }

    /// <summary>The connection string with any password masked, for display.</summary>
    public string Redacted()
    {
        var parts = ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase) ? "Password=***" : p);
        return $"{Provider}: {string.Join(';', parts)}";
    }

    private static string FromUrl(Uri uri)
    {
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new List<string>
        {
            $"Host={uri.Host}",
            $"Port={(uri.Port > 0 ? uri.Port : 5432)}",
            $"Database={uri.AbsolutePath.TrimStart('/')}",
        };
        if (userInfo.Length > 0 && userInfo[0].Length > 0)
        {
            builder.Add($"Username={System.Uri.UnescapeDataString(userInfo[0])}");
        }

        if (userInfo.Length > 1)
        {
            builder.Add($"Password={System.Uri.UnescapeDataString(userInfo[1])}");
        }

        return string.Join(';', builder);
    }
}

/// <summary>A metadata store provider.</summary>
public enum MetadataProvider
{
    /// <summary>An embedded SQLite file (one machine).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (many workers).</summary>
    PostgreSql,
}
