using System.Collections.Concurrent;
using System.Text.Json;

namespace Pipelines;

/// <summary>What an executor sees of one execution: resolved inputs, pending outputs, external inputs, a log.</summary>
public sealed class ExecutorContext
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonElement>> _outputProperties = new(StringComparer.Ordinal);
    private readonly Action<string> _log;

    /// <summary>Creates a context (the orchestrator does; tests may too).</summary>
    public ExecutorContext(
        string pipelineName,
        string nodeId,
        long runId,
        long executionId,
        IReadOnlyDictionary<string, IReadOnlyList<Artifact>> inputs,
        IReadOnlyDictionary<string, Artifact> outputs,
        ExternalInputs external,
        TimeProvider time,
        Action<string>? log = null,
        ISubtaskRunner? subtasks = null)
    {
        Subtasks = subtasks ?? new InlineSubtaskRunner(nodeId);
        PipelineName = pipelineName;
        NodeId = nodeId;
        RunId = runId;
        ExecutionId = executionId;
        Inputs = inputs;
        Outputs = outputs;
        External = external;
        Time = time;
        _log = log ?? (_ => { });
    }

    /// <summary>The pipeline name.</summary>
    public string PipelineName { get; }

    /// <summary>The node id.</summary>
    public string NodeId { get; }

    /// <summary>The run id.</summary>
    public long RunId { get; }

    /// <summary>The execution id.</summary>
    public long ExecutionId { get; }

    /// <summary>Input artifacts by port (wired and resolved ports).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Artifact>> Inputs { get; }

    /// <summary>Pending output artifacts by port; each directory exists and is empty.</summary>
    public IReadOnlyDictionary<string, Artifact> Outputs { get; }

    /// <summary>External files resolved before the cache lookup.</summary>
    public ExternalInputs External { get; }

    /// <summary>Runs subtasks as separate jobs (the orchestrator's), or inline in tests.</summary>
    public ISubtaskRunner Subtasks { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The single artifact on a required input port.</summary>
    public T Input<T>(string port) where T : Artifact =>
        OptionalInput<T>(port) ?? throw new InvalidOperationException($"Node '{NodeId}': input '{port}' has no artifact.");

    /// <summary>The single artifact on an optional input port, or null.</summary>
    public T? OptionalInput<T>(string port) where T : Artifact
    {
        if (!Inputs.TryGetValue(port, out var list) || list.Count == 0)
        {
            return null;
        }

        return list[0] as T ?? throw new InvalidOperationException(
            $"Node '{NodeId}': input '{port}' holds {list[0].TypeName}, not {Artifact.TypeNameOf(typeof(T))}.");
    }

    /// <summary>The pending artifact of an output port.</summary>
    public T Output<T>(string port) where T : Artifact =>
        Outputs.TryGetValue(port, out var a)
            ? a as T ?? throw new InvalidOperationException($"Node '{NodeId}': output '{port}' is {a.TypeName}, not {Artifact.TypeNameOf(typeof(T))}.")
            : throw new InvalidOperationException($"Node '{NodeId}' has no output '{port}'.");

    /// <summary>Sets a property on a pending output; recorded when the output is published.</summary>
    public void SetOutputProperty<TValue>(string port, string name, TValue value)
    {
        if (!Outputs.ContainsKey(port))
        {
            throw new InvalidOperationException($"Node '{NodeId}' has no output '{port}'.");
        }

        _outputProperties.GetOrAdd(port, _ => new(StringComparer.Ordinal))[name] = JsonSerializer.SerializeToElement(value);
    }

    /// <summary>The properties set on an output so far.</summary>
    public IReadOnlyDictionary<string, JsonElement> OutputProperties(string port) =>
        _outputProperties.TryGetValue(port, out var p) ? p : new Dictionary<string, JsonElement>();

    /// <summary>Writes a progress line to the run's log. Safe to call from several threads at once.</summary>
    public void Log(string message) => _log(message);
}
