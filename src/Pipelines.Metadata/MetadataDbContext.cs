using Microsoft.EntityFrameworkCore;

namespace Pipelines.Metadata;

/// <summary>The EF Core model of the metadata store; identical for SQLite and PostgreSQL.</summary>
public sealed class MetadataDbContext : DbContext
{
    /// <summary>The promotion log's table (added in schema version 4).</summary>
    public const string PromotionTable = "mlmd_promotions";

    /// <summary>Creates the context.</summary>
    public MetadataDbContext(DbContextOptions<MetadataDbContext> options) : base(options)
    {
    }

    /// <summary>Artifact types.</summary>
    public DbSet<ArtifactTypeRecord> ArtifactTypes => Set<ArtifactTypeRecord>();

    /// <summary>Execution types.</summary>
    public DbSet<ExecutionTypeRecord> ExecutionTypes => Set<ExecutionTypeRecord>();

    /// <summary>Artifacts.</summary>
    public DbSet<ArtifactRecord> Artifacts => Set<ArtifactRecord>();

    /// <summary>Executions.</summary>
    public DbSet<ExecutionRecord> Executions => Set<ExecutionRecord>();

    /// <summary>Events.</summary>
    public DbSet<EventRecord> Events => Set<EventRecord>();

    /// <summary>Contexts (pipelines, runs).</summary>
    public DbSet<ContextRecord> Contexts => Set<ContextRecord>();

    /// <summary>Attributions.</summary>
    public DbSet<AttributionRecord> Attributions => Set<AttributionRecord>();

    /// <summary>Associations.</summary>
    public DbSet<AssociationRecord> Associations => Set<AssociationRecord>();

    /// <summary>Subtasks (Tuner trials).</summary>
    public DbSet<SubtaskRecord> Subtasks => Set<SubtaskRecord>();

    /// <summary>The promotion log (pushes and rollbacks; append-only).</summary>
    public DbSet<PromotionRecord> Promotions => Set<PromotionRecord>();

    /// <summary>The schema version row.</summary>
    public DbSet<SchemaVersionRecord> SchemaVersions => Set<SchemaVersionRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<SchemaVersionRecord>(e =>
        {
            e.ToTable("mlmd_schema_version");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).ValueGeneratedNever();
        });
        modelBuilder.Entity<ArtifactTypeRecord>(e =>
        {
            e.ToTable("mlmd_artifact_types");
            e.HasIndex(x => x.Name).IsUnique();
        });
        modelBuilder.Entity<ExecutionTypeRecord>(e =>
        {
            e.ToTable("mlmd_execution_types");
            e.HasIndex(x => x.Name).IsUnique();
        });
        modelBuilder.Entity<ArtifactRecord>(e =>
        {
            e.ToTable("mlmd_artifacts");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.HasOne(x => x.Type).WithMany().HasForeignKey(x => x.TypeId);
            e.HasIndex(x => x.ProducerExecutionId);
            e.HasIndex(x => x.Uri).IsUnique();
        });
        modelBuilder.Entity<ExecutionRecord>(e =>
        {
            e.ToTable("mlmd_executions");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.HasOne(x => x.Type).WithMany().HasForeignKey(x => x.TypeId);
            e.HasIndex(x => new { x.RunId, x.NodeId }).IsUnique();
            e.HasIndex(x => new { x.Fingerprint, x.State });
            e.HasIndex(x => new { x.NodeId, x.State });
        });
        modelBuilder.Entity<EventRecord>(e =>
        {
            e.ToTable("mlmd_events");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(8);
            e.HasIndex(x => new { x.ExecutionId, x.Kind });
            e.HasIndex(x => new { x.ArtifactId, x.Kind });
        });
        modelBuilder.Entity<ContextRecord>(e =>
        {
            e.ToTable("mlmd_contexts");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.Kind, x.Name }).IsUnique();
            e.HasIndex(x => x.ParentId);
        });
        modelBuilder.Entity<SubtaskRecord>(e =>
        {
            e.ToTable("mlmd_subtasks");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.ExecutionId, x.BatchId, x.Index }).IsUnique();
            e.HasIndex(x => new { x.BatchId, x.State });
        });
        modelBuilder.Entity<PromotionRecord>(e =>
        {
            e.ToTable(PromotionTable);
            e.Property(x => x.Action).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.ModelName, x.Version });
            e.HasIndex(x => x.ModelArtifactId);
        });
        modelBuilder.Entity<AttributionRecord>(e =>
        {
            e.ToTable("mlmd_attributions");
            e.HasKey(x => new { x.ContextId, x.ArtifactId });
            e.HasIndex(x => x.ArtifactId);
        });
        modelBuilder.Entity<AssociationRecord>(e =>
        {
            e.ToTable("mlmd_associations");
            e.HasKey(x => new { x.ContextId, x.ExecutionId });
            e.HasIndex(x => x.ExecutionId);
        });
    }
}
