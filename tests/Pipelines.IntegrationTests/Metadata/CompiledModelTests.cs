using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Pipelines.Metadata;
using Pipelines.Metadata.CompiledModels;

namespace Pipelines.IntegrationTests.Metadata;

/// <summary>
/// The SQLite store uses an EF Core compiled model (src/Pipelines.Metadata/CompiledModels) instead of building the model from
/// <c>OnModelCreating</c> in every process. It must describe the same tables: when the entities or <c>OnModelCreating</c>
/// change, regenerate it (src/Pipelines.Metadata/CompiledModels/regenerate.sh).
/// </summary>
public sealed class CompiledModelTests
{
    private const string Regenerate = "The compiled model is stale: run src/Pipelines.Metadata/CompiledModels/regenerate.sh.";

    [Fact]
    public void CompiledSqliteModel_DescribesTheSameTablesIndexesAndColumnsAsTheModelOnModelCreatingBuilds()
    {
        using var built = Context(compiled: false);
        using var compiled = Context(compiled: true);

        Assert.IsType<MetadataDbContextModel>(compiled.Model);
        Assert.IsNotType<MetadataDbContextModel>(built.Model);
        Assert.True(Describe(built.Model).SequenceEqual(Describe(compiled.Model)), Regenerate + " Built: " + string.Join(" | ", Describe(built.Model).Except(Describe(compiled.Model))));
    }

    private static MetadataDbContext Context(bool compiled)
    {
        var options = new DbContextOptionsBuilder<MetadataDbContext>().UseSqlite("Data Source=:memory:");
        if (compiled)
        {
            options.UseModel(MetadataDbContextModel.Instance);
        }

        return new MetadataDbContext(options.Options);
    }

    /// <summary>Every entity's table, key, indexes and foreign keys, and each property's column, CLR and provider types,
    /// nullability, length and value generation. (Not the create script: EF builds that from <c>OnModelCreating</c> whatever
    /// model the context runs on.)</summary>
    private static List<string> Describe(IModel model) =>
    [
        .. model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal).SelectMany(e => new[] { $"{e.Name} -> {e.GetTableName()} key {string.Join(",", e.FindPrimaryKey()!.Properties.Select(p => p.Name))}" }
            .Concat(e.GetIndexes().Select(i => $"{e.Name} index {string.Join(",", i.Properties.Select(p => p.Name))}{(i.IsUnique ? " unique" : "")} {i.GetDatabaseName()}").Order(StringComparer.Ordinal))
            .Concat(e.GetForeignKeys().Select(f => $"{e.Name} foreign key {string.Join(",", f.Properties.Select(p => p.Name))} -> {f.PrincipalEntityType.Name} {f.DeleteBehavior}").Order(StringComparer.Ordinal))
            .Concat(e.GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p =>
                $"{e.Name}.{p.Name}: {p.ClrType.Name} as {p.GetColumnName()} {p.GetColumnType()} {(p.IsNullable ? "null" : "not null")} {p.GetMaxLength()} {p.GetTypeMapping().Converter?.ProviderClrType.Name} {p.ValueGenerated}"))),
    ];
}
