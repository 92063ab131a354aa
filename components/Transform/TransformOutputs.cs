namespace Pipelines.Components;

/// <summary>The outputs of a <see cref="Transform"/> node.</summary>
/// <param name="TransformGraph">Port <c>transform_graph</c>: the fitted preprocessing (<c>transform.zip</c>), which the Trainer
/// puts in front of its model.</param>
/// <param name="TransformedExamples">Port <c>transformed_examples</c>: every split after the preprocessing
/// (<c>Split-&lt;name&gt;/data.idv</c>), which the Trainer trains on.</param>
public sealed record TransformOutputs(Channel<TransformGraph> TransformGraph, Channel<Examples> TransformedExamples);
