using System.Runtime.CompilerServices;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>Options of the test components: what to write and how to behave.</summary>
public sealed record StepOptions(string Value = "", string Behaviour = "ok", int DelayMs = 0);

/// <summary>A test node with any number of Examples inputs and one Examples output that writes its inputs' text plus its value.</summary>
public sealed class Step : Component<StepOptions>
{
    public Step(string id, StepOptions? options = null, IEnumerable<Channel<Examples>>? inputs = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        : base(options ?? new StepOptions(id), id, new SourceLocation(file, line))
    {
        var i = 0;
        foreach (var input in inputs ?? [])
        {
            DeclareInput($"in{i++}", input);
        }

        Output = DeclareOutput<Examples>("out");
    }

    public Channel<Examples> Output { get; }

    public override string Version => "1";

    /// <summary>How many times the executor really ran in this process (tests only).</summary>
    public int Executions => _executions;

    private int _executions;

    protected override IExecutor<StepOptions> CreateExecutor() => new Executor(this);

    private sealed class Executor(Step owner) : IExecutor<StepOptions>
    {
        public async Task ExecuteAsync(ExecutorContext context, StepOptions options, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._executions);
            if (options.DelayMs > 0)
            {
                await Task.Delay(options.DelayMs, cancellationToken);
            }

            var text = string.Concat(context.Inputs.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value)
                .Select(a => File.ReadAllText(Path.Combine(a.Uri, "value.txt")))) + options.Value;
            var output = context.Output<Examples>("out");
            await File.WriteAllTextAsync(Path.Combine(output.Uri, "value.txt"), text, cancellationToken);
            switch (options.Behaviour)
            {
                case "throw":
                    throw new InvalidOperationException($"{context.NodeId} exploded on purpose");
                case "bad-data":
                    throw new DataValidationException($"{context.NodeId}: column 'x' is bad");
                case "bad-data-publish":
                    context.SetOutputProperty("out", "blessed", 0);
                    throw new DataValidationException($"{context.NodeId}: anomalies found") { OutputsToPublish = ["out"] };
                case "transient-once":
                    if (owner._executions == 1)
                    {
                        throw new IOException("disk hiccup");
                    }

                    break;
            }

            context.SetOutputProperty("out", "text", text);
        }
    }
}
