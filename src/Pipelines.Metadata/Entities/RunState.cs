namespace Pipelines.Metadata;

/// <summary>The state of a run: Running → Succeeded | Failed (when every node is terminal).</summary>
public enum RunState
{
    /// <summary>Some node is not terminal.</summary>
    Running,

    /// <summary>Every node Complete or Cached.</summary>
    Succeeded,

    /// <summary>Some node failed (or was canceled).</summary>
    Failed,
}
