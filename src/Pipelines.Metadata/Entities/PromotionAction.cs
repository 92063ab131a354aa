namespace Pipelines.Metadata;

/// <summary>What a promotion log entry records.</summary>
public enum PromotionAction
{
    /// <summary>The Pusher pushed a newly blessed model.</summary>
    Push,

    /// <summary>The <c>rollback</c> verb re-pushed an earlier version as the newest.</summary>
    Rollback,
}
