using System.Runtime.CompilerServices;

namespace Pipelines.Bench;

/// <summary>A component that does nothing but write a one-byte output: measures orchestration alone.</summary>
public sealed class NoOp : Component<int>
{
    public NoOp(string id, Channel<Examples>? parent, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        : base(0, id, new SourceLocation(file, line))
    {
        if (parent is not null)
        {
            DeclareInput("in", parent);
        }

        Output = DeclareOutput<Examples>("out");
    }

    public Channel<Examples> Output { get; }

    public override string Version => "1";

    protected override IExecutor<int> CreateExecutor() => new Executor();

    private sealed class Executor : IExecutor<int>
    {
        public Task ExecuteAsync(ExecutorContext context, int options, CancellationToken cancellationToken) =>
            File.WriteAllBytesAsync(Path.Combine(context.Output<Examples>("out").Uri, "x"), [1], cancellationToken);
    }
}
