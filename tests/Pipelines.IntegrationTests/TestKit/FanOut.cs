using System.Globalization;
using System.Runtime.CompilerServices;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>A node that fans out N subtasks squaring numbers (one fails on purpose when asked) and writes the results.</summary>
public sealed class FanOut : Component<int>
{
    public FanOut(string id, int count, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        : base(count, id, new SourceLocation(file, line)) => DeclareOutput<Examples>("out");

    public override string Version => "1";

    public override IReadOnlyList<ISubtaskHandler> SubtaskHandlers { get; } = [new Square()];

    protected override IExecutor<int> CreateExecutor() => new Executor();

    private sealed class Square : ISubtaskHandler
    {
        public string Kind => "square";

        public async Task<string> ExecuteAsync(string input, CancellationToken cancellationToken)
        {
            var n = int.Parse(input, CultureInfo.InvariantCulture);
            await Task.Delay(100, cancellationToken);
            return n == 13 ? throw new InvalidOperationException("unlucky") : (n * n).ToString(CultureInfo.InvariantCulture);
        }
    }

    private sealed class Executor : IExecutor<int>
    {
        public async Task ExecuteAsync(ExecutorContext context, int options, CancellationToken cancellationToken)
        {
            var inputs = Enumerable.Range(10, options).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
            var results = await context.Subtasks.RunAsync("square", inputs, cancellationToken);
            var lines = results.Select(r => $"{r.Index}:{r.Output ?? "error " + r.Error}");
            await File.WriteAllLinesAsync(Path.Combine(context.Output<Examples>("out").Uri, "results.txt"), lines, cancellationToken);
        }
    }
}
