namespace Pipelines;

/// <summary>What a node is bound with for one run.</summary>
/// <param name="PipelineName">The pipeline.</param>
/// <param name="ParameterValues">The run's <c>--param</c> values (defaults apply for the rest).</param>
/// <param name="SchemaDirectory">The folder of curated schemas (<c>schemas/</c>), absolute.</param>
public sealed record BindingContext(string PipelineName, IReadOnlyDictionary<string, string> ParameterValues, string SchemaDirectory);
