using System.Runtime.CompilerServices;

namespace Pipelines.Tests.Dsl;

/// <summary>A minimal component for DSL tests: declared inputs of any type, one Examples output.</summary>
public sealed class Node : Component<string>
{
    public Node(string id, IEnumerable<(string Port, Type Type, Channel? Channel, bool Required)>? inputs = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        : base("options", id, new SourceLocation(file, line))
    {
        foreach (var (port, type, channel, required) in inputs ?? [])
        {
            DeclareInput(port, type, channel, required);
        }

        Out = DeclareOutput<Examples>("out");
        Stats = DeclareOutput<ExampleStatistics>("stats");
    }

    public Channel<Examples> Out { get; }

    public Channel<ExampleStatistics> Stats { get; }

    public override string Version => "1";

    protected override IExecutor<string> CreateExecutor() => throw new InvalidOperationException("not executed in DSL tests");
}
