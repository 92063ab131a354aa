namespace Pipelines.Components;

/// <summary>The outputs of a <see cref="Transform"/> node.</summary>
public sealed class TransformOutputs
{
    private readonly Channel<Examples>? _transformedExamples;
    private readonly string _nodeId;

    internal TransformOutputs(Channel<TransformGraph> transformGraph, Channel<Examples>? transformedExamples, string nodeId)
    {
        TransformGraph = transformGraph;
        _transformedExamples = transformedExamples;
        _nodeId = nodeId;
    }

    /// <summary>Port <c>transform_graph</c>: the fitted preprocessing (<c>transform.zip</c>), which the Trainer puts in front of its
    /// model.</summary>
    public Channel<TransformGraph> TransformGraph { get; }

    /// <summary>Port <c>transformed_examples</c>: every split after the preprocessing (<c>Split-&lt;name&gt;/data.idv</c>), which
    /// the Trainer trains on.</summary>
    /// <exception cref="InvalidOperationException">The node has <see cref="TransformOptions.Materialize"/> = false, so it writes
    /// no transformed examples.</exception>
    public Channel<Examples> TransformedExamples => _transformedExamples ?? throw new InvalidOperationException(
        $"Transform '{_nodeId}' has {nameof(TransformOptions)}.{nameof(TransformOptions.Materialize)} = false: it writes only the transform graph, " +
        "no transformed examples. Give the Trainer (or Tuner) the raw examples instead, e.g. new Trainer(exampleGen.Outputs.Examples, " +
        "transform.Outputs.TransformGraph, ...): it then applies the graph while it reads them. Or set Materialize = true.");

    /// <summary>Whether the node writes <see cref="TransformedExamples"/> (<see cref="TransformOptions.Materialize"/>).</summary>
    public bool Materialized => _transformedExamples is not null;
}
