namespace Pipelines.Validation;

/// <summary>How bad an anomaly is. JSON: <c>"error"</c> or <c>"warning"</c>.</summary>
public enum AnomalySeverity
{
    /// <summary>The data is unfit: ExampleValidator fails the node (unless <c>FailOnErrors</c> is false).</summary>
    Error,

    /// <summary>Worth a look; never fails the node.</summary>
    Warning,
}
