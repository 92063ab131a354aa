namespace Pipelines;

/// <summary>
/// A named run-time parameter of a pipeline (<c>--param name=value</c>), with a default.
/// Components take one where a literal would do; the value is bound when the node executes and enters its fingerprint.
/// </summary>
/// <param name="Name">The parameter name used on the command line.</param>
/// <param name="DefaultValue">The value used when the run does not set it.</param>
/// <param name="Description">One line shown by <c>run --help</c> style listings.</param>
/// <param name="IsPath">A file path: a relative value is resolved against the directory <c>run</c> was started in (not a worker's).</param>
public sealed record PipelineParameter(string Name, string DefaultValue, string Description = "", bool IsPath = false)
{
    /// <summary>The value for a run: the run's value, or the default.</summary>
    public string Resolve(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.TryGetValue(Name, out var v) ? v : DefaultValue;
    }
}
