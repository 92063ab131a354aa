namespace Pipelines.Metadata;

/// <summary>
/// One entry of the promotion log: a model version pushed to a serving destination, or an earlier version re-pushed by a
/// rollback. Append-only: the store refuses UPDATE and DELETE on the table (triggers), so the history cannot be rewritten.
/// </summary>
public sealed class PromotionRecord
{
    /// <summary>Id (the order of the log).</summary>
    public long Id { get; set; }

    /// <summary>The served model name.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version created.</summary>
    public int Version { get; set; }

    /// <summary><see cref="PromotionAction"/>.</summary>
    public PromotionAction Action { get; set; }

    /// <summary>The Model artifact served by this version.</summary>
    public long ModelArtifactId { get; set; }

    /// <summary>Its content hash, as recorded when it was trained.</summary>
    public required string ModelContentHash { get; set; }

    /// <summary>The version directory written.</summary>
    public required string Destination { get; set; }

    /// <summary>The pipeline that trained the model.</summary>
    public required string Pipeline { get; set; }

    /// <summary>The run that pushed it (a push), or that first pushed the model (a rollback).</summary>
    public long? RunId { get; set; }

    /// <summary>The Pusher execution (a push).</summary>
    public long? ExecutionId { get; set; }

    /// <summary>The PushedModel artifact (a push).</summary>
    public long? PushedModelArtifactId { get; set; }

    /// <summary>The Evaluator blessing that allowed the push.</summary>
    public long? BlessingArtifactId { get; set; }

    /// <summary>The evaluation behind that blessing.</summary>
    public long? EvaluationArtifactId { get; set; }

    /// <summary>The InfraValidator blessing, when one was wired.</summary>
    public long? InfraBlessingArtifactId { get; set; }

    /// <summary>A rollback: the earlier version it re-pushed.</summary>
    public int? RolledBackFromVersion { get; set; }

    /// <summary>Who or what triggered it (a run's node, or a user at a host for a rollback).</summary>
    public required string TriggeredBy { get; set; }

    /// <summary>When (UTC).</summary>
    public DateTime CreatedAt { get; set; }
}
