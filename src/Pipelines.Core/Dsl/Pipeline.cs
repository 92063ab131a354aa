using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Pipelines;

/// <summary>
/// A validated, immutable DAG of components. Building it checks for duplicate ids, unconnected required inputs,
/// artifact type mismatches, channels from nodes outside the pipeline and cycles; each error names node, port and location.
/// </summary>
/// <example>See <c>pipelines/penguin/Program.cs</c>.</example>
public sealed partial class Pipeline
{
    private readonly Dictionary<string, Component> _byId;
    private readonly Dictionary<string, IReadOnlyList<string>> _parents;
    private readonly Dictionary<string, IReadOnlyList<string>> _children;

    /// <summary>Builds and validates a pipeline.</summary>
    /// <exception cref="PipelineDefinitionException">The definition is invalid.</exception>
    public Pipeline(
        string name,
        IEnumerable<Component> components,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(components);
        DefinedAt = new SourceLocation(file, line);
        if (string.IsNullOrWhiteSpace(name) || !NamePattern().IsMatch(name))
        {
            throw new PipelineDefinitionException(
                $"Pipeline name '{name}' ({DefinedAt}) is invalid: use lowercase letters, digits, '-' or '_', starting with a letter (it names queues and folders).");
        }

        Name = name;
        var list = components.ToList();
        _byId = new Dictionary<string, Component>(StringComparer.Ordinal);
        foreach (var c in list)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(components));
            if (_byId.TryGetValue(c.Id, out var existing))
            {
                throw new PipelineDefinitionException(
                    $"Two nodes have the id '{c.Id}': {existing.GetType().Name} at {existing.DefinedAt} and {c.GetType().Name} at {c.DefinedAt}. Pass a distinct id: new {c.GetType().Name}(..., id: \"{c.Id}2\").");
            }

            _byId.Add(c.Id, c);
        }

        ValidatePorts(list);
        (_parents, _children) = BuildEdges(list);
        Components = TopologicalOrder(list);
        var order = Components.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        foreach (var id in _children.Keys.ToList())
        {
            _children[id] = [.. _children[id].OrderBy(child => order[child])];
        }
        Parameters = list.SelectMany(c => c.Parameters).DistinctBy(p => p.Name).ToList();
    }

    /// <summary>The pipeline name (a metadata context, a Hangfire queue, a folder name).</summary>
    public string Name { get; }

    /// <summary>Where the pipeline was declared.</summary>
    public SourceLocation DefinedAt { get; }

    /// <summary>The components in a topological order (parents before children; ties in declaration order).</summary>
    public IReadOnlyList<Component> Components { get; }

    /// <summary>The run-time parameters the components read.</summary>
    public IReadOnlyList<PipelineParameter> Parameters { get; }

    /// <summary>The node with id <paramref name="id"/>.</summary>
    public Component this[string id] =>
        _byId.TryGetValue(id, out var c) ? c : throw new KeyNotFoundException($"Pipeline '{Name}' has no node '{id}'.");

    /// <summary>Whether a node with this id exists.</summary>
    public bool Contains(string id) => _byId.ContainsKey(id);

    /// <summary>The distinct parent node ids of a node.</summary>
    public IReadOnlyList<string> ParentsOf(string id) => _parents[id];

    /// <summary>The distinct child node ids of a node.</summary>
    public IReadOnlyList<string> ChildrenOf(string id) => _children[id];

    /// <summary>Every node downstream of <paramref name="id"/>, transitively.</summary>
    public IReadOnlySet<string> DescendantsOf(string id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(_children[id]);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (seen.Add(n))
            {
                foreach (var c in _children[n])
                {
                    stack.Push(c);
                }
            }
        }

        return seen;
    }

    private void ValidatePorts(List<Component> list)
    {
        foreach (var c in list)
        {
            foreach (var other in c.RunsAfter)
            {
                if (!_byId.TryGetValue(other.Id, out var known) || !ReferenceEquals(known, other))
                {
                    throw new PipelineDefinitionException(
                        $"Node '{c.Id}' ({c.DefinedAt}) runs after node '{other.Id}' ({other.DefinedAt}), which is not in pipeline '{Name}'. Add it to the component list.");
                }
            }

            foreach (var port in c.InputPorts)
            {
                if (port.Channel is null)
                {
                    if (port.Required)
                    {
                        throw new PipelineDefinitionException(
                            $"Node '{c.Id}' ({c.DefinedAt}): required input '{port.Name}' ({Artifact.TypeNameOf(port.ArtifactType)}) is not connected. Wire it to an output of type {Artifact.TypeNameOf(port.ArtifactType)}, e.g. another node's Outputs.");
                    }

                    continue;
                }

                var producer = port.Channel.Producer;
                if (!_byId.TryGetValue(producer.Id, out var inPipeline) || !ReferenceEquals(inPipeline, producer))
                {
                    throw new PipelineDefinitionException(
                        $"Node '{c.Id}' ({c.DefinedAt}): input '{port.Name}' is wired to {port.Channel}, but node '{producer.Id}' ({producer.DefinedAt}) is not in pipeline '{Name}'. Add it to the component list.");
                }

                if (!port.ArtifactType.IsAssignableFrom(port.Channel.ArtifactType))
                {
                    throw new PipelineDefinitionException(
                        $"Node '{c.Id}' ({c.DefinedAt}): input '{port.Name}' expects {Artifact.TypeNameOf(port.ArtifactType)} but is wired to {port.Channel}, which carries {Artifact.TypeNameOf(port.Channel.ArtifactType)}.");
                }
            }
        }
    }

    private (Dictionary<string, IReadOnlyList<string>> Parents, Dictionary<string, IReadOnlyList<string>> Children) BuildEdges(List<Component> list)
    {
        var parents = list.ToDictionary(
            c => c.Id,
            c => (IReadOnlyList<string>)c.InputPorts.Where(p => p.Channel is not null).Select(p => p.Channel!.Producer.Id)
                .Concat(c.RunsAfter.Select(a => a.Id)).Distinct().ToList(),
            StringComparer.Ordinal);
        var children = list.ToDictionary(c => c.Id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var c in list)
        {
            foreach (var p in parents[c.Id])
            {
                children[p].Add(c.Id);
            }
        }

        return (parents, children.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal));
    }

    private List<Component> TopologicalOrder(List<Component> list)
    {
        // Kahn's algorithm in declaration order, so the order is stable for display and for tests.
        var remaining = list.ToDictionary(c => c.Id, c => _parents[c.Id].Count, StringComparer.Ordinal);
        var order = new List<Component>(list.Count);
        var progressed = true;
        while (order.Count < list.Count && progressed)
        {
            progressed = false;
            foreach (var c in list)
            {
                if (remaining[c.Id] == 0)
                {
                    remaining[c.Id] = -1;
                    order.Add(c);
                    foreach (var child in _children[c.Id])
                    {
                        remaining[child]--;
                    }

                    progressed = true;
                }
            }
        }

        if (order.Count < list.Count)
        {
            var cycle = FindCycle(remaining.Where(kv => kv.Value > 0).Select(kv => kv.Key).ToHashSet());
            throw new PipelineDefinitionException(
                $"Pipeline '{Name}' ({DefinedAt}) has a cycle: {string.Join(" -> ", cycle.Select(id => $"'{id}' ({_byId[id].DefinedAt})"))}. A node's inputs must come from nodes that do not depend on it.");
        }

        return order;
    }

    private List<string> FindCycle(HashSet<string> candidates)
    {
        // Walk parent links from any unresolved node until a node repeats: that loop is a cycle.
        var start = candidates.OrderBy(x => x, StringComparer.Ordinal).First();
        var path = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var current = start;
        while (!index.ContainsKey(current))
        {
            index[current] = path.Count;
            path.Add(current);
            current = _parents[current].First(candidates.Contains);
        }

        var cycle = path.Skip(index[current]).Reverse().ToList();
        cycle.Add(cycle[0]);
        return cycle;
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex NamePattern();
}
