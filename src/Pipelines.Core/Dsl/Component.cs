using System.Runtime.CompilerServices;

namespace Pipelines;

/// <summary>
/// A pipeline node: typed inputs, typed outputs, options and an executor (TFX's component = spec + executor).
/// Derive from <see cref="Component{TOptions}"/>; the constructor is the wiring.
/// </summary>
public abstract class Component
{
    private readonly List<InputPort> _inputs = [];
    private readonly List<OutputPort> _outputs = [];
    private readonly List<Component> _after = [];

    /// <summary>Creates a component with a node id (defaults to the type name) and the caller's location.</summary>
    protected Component(string? id, SourceLocation definedAt)
    {
        Id = string.IsNullOrWhiteSpace(id) ? GetType().Name : id;
        DefinedAt = definedAt ?? SourceLocation.Unknown;
    }

    /// <summary>The node id, unique in a pipeline.</summary>
    public string Id { get; }

    /// <summary>Where the user declared this node.</summary>
    public SourceLocation DefinedAt { get; }

    /// <summary>The executor version: changing it invalidates cached results of this component.</summary>
    public abstract string Version { get; }

    /// <summary>The declared inputs, with what is wired to them.</summary>
    public IReadOnlyList<InputPort> InputPorts => _inputs;

    /// <summary>The declared outputs.</summary>
    public IReadOnlyList<OutputPort> OutputPorts => _outputs;

    /// <summary>
    /// Whether this node may reuse an earlier execution's outputs (default true). Turn it off for a node whose result depends
    /// on something the fingerprint cannot see (the time, a remote service); it then re-runs every time and says why.
    /// </summary>
    public bool EnableCache { get; init; } = true;

    /// <summary>Handlers of the subtasks this node's executor fans out (see <see cref="ISubtaskRunner"/>).</summary>
    public virtual IReadOnlyList<ISubtaskHandler> SubtaskHandlers => [];

    /// <summary>Pipeline parameters this node reads.</summary>
    public virtual IReadOnlyList<PipelineParameter> Parameters => [];

    /// <summary>Inputs resolved from the metadata store instead of wired (e.g. the previous span's statistics).</summary>
    public virtual IReadOnlyList<ResolvedInputPort> ResolvedInputPorts => [];

    /// <summary>Nodes this one must wait for without reading their outputs (see <see cref="RunAfter"/>).</summary>
    public IReadOnlyList<Component> RunsAfter => _after;

    /// <summary>
    /// Makes this node wait for <paramref name="others"/> to succeed, without reading their outputs (TFX's
    /// <c>add_upstream_node</c>): e.g. <c>transform.RunAfter(exampleValidator)</c> so that data anomalies stop the run before
    /// training. When one of them fails, this node is canceled like any descendant.
    /// </summary>
    /// <returns>This component, for chaining.</returns>
    public Component RunAfter(params Component[] others)
    {
        ArgumentNullException.ThrowIfNull(others);
        foreach (var other in others)
        {
            ArgumentNullException.ThrowIfNull(other, nameof(others));
            if (!_after.Contains(other))
            {
                _after.Add(other);
            }
        }

        return this;
    }

    /// <summary>Wires (or re-wires) a declared input to a channel.</summary>
    /// <exception cref="PipelineDefinitionException">The port is not declared.</exception>
    public void Connect(string port, Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var index = _inputs.FindIndex(p => p.Name == port);
        if (index < 0)
        {
            throw new PipelineDefinitionException(
                $"Node '{Id}' ({DefinedAt}) has no input port '{port}'. Declared inputs: {string.Join(", ", _inputs.Select(p => p.Name))}.");
        }

        _inputs[index] = _inputs[index] with { Channel = channel };
    }

    /// <summary>Binds run parameters: the options as canonical JSON and the functions that execute the node.</summary>
    public abstract NodeBinding Bind(BindingContext context);

    /// <summary>Declares an output port and returns its channel.</summary>
    protected Channel<T> DeclareOutput<T>(string name) where T : Artifact
    {
        _outputs.Add(new OutputPort(name, typeof(T)));
        return new Channel<T>(this, name);
    }

    /// <summary>Declares an input port wired to <paramref name="channel"/> (null = unconnected).</summary>
    protected void DeclareInput<T>(string name, Channel<T>? channel, bool required = true) where T : Artifact =>
        DeclareInput(name, typeof(T), channel, required);

    /// <summary>Declares an input port accepting <paramref name="artifactType"/>; the type is checked when the pipeline is built.</summary>
    protected void DeclareInput(string name, Type artifactType, Channel? channel, bool required = true) =>
        _inputs.Add(new InputPort(name, artifactType, required, channel));

    /// <summary>Captures the caller's location; components pass their [CallerFilePath]/[CallerLineNumber] arguments here.</summary>
    protected static SourceLocation At([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => new(file, line);

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({GetType().Name})";
}
