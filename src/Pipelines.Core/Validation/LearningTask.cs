// In the root namespace, not Pipelines.Validation: pipeline authors set it on SchemaGenOptions (and later on trainers)
// and should need only the Pipelines and Pipelines.Components namespaces (ARCHITECTURE.md).
namespace Pipelines;

/// <summary>What the label is for. JSON: <c>"classification"</c> or <c>"regression"</c>.</summary>
public enum LearningTask
{
    /// <summary>The label is a class: every split should hold at least two classes.</summary>
    Classification,

    /// <summary>The label is a number to predict: it must not be constant.</summary>
    Regression,
}
