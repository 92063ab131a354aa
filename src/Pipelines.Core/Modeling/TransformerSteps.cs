using Microsoft.ML;

namespace Pipelines;

/// <summary>The steps of a saved model: nested <c>TransformerChain</c>s (graph, conversion, predictor, …) flattened in order.</summary>
public static class TransformerSteps
{
    /// <summary>Every non-chain transformer of <paramref name="transformer"/>, depth first, in application order.</summary>
    public static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [transformer];
}
