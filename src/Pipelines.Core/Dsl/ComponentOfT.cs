using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines;

/// <summary>A component whose knobs are an immutable <typeparamref name="TOptions"/> record.</summary>
public abstract class Component<TOptions> : Component where TOptions : notnull
{
    private static readonly JsonSerializerOptions s_optionsJson = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Creates the component.</summary>
    protected Component(TOptions options, string? id, SourceLocation definedAt) : base(id, definedAt)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The options as declared (parameters not yet bound).</summary>
    public TOptions Options { get; }

    /// <inheritdoc />
    public sealed override NodeBinding Bind(BindingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var bound = BindParameters(context);
        return new NodeBinding(
            SerializeOptions(bound),
            ct => ResolveExternalInputsAsync(bound, ct),
            (context, ct) => CreateExecutor().ExecuteAsync(context, bound, ct));
    }

    /// <summary>The options with pipeline parameters (and anything else run-specific, e.g. the curated schema path) substituted.</summary>
    protected virtual TOptions BindParameters(BindingContext context) => Options;

    /// <summary>Creates the executor (a new one per execution).</summary>
    protected abstract IExecutor<TOptions> CreateExecutor();

    /// <summary>Resolves files read from outside the artifact store, before the cache lookup (ExampleGen).</summary>
    protected virtual Task<ExternalInputs> ResolveExternalInputsAsync(TOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(ExternalInputs.None);

    /// <summary>The canonical JSON of options, as it enters the cache fingerprint.</summary>
    protected virtual string SerializeOptions(TOptions options) => JsonSerializer.Serialize(options, s_optionsJson);
}
