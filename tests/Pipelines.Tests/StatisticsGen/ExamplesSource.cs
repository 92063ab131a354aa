namespace Pipelines.Tests.StatisticsGen;

/// <summary>A stand-in upstream node, so tests can wire components to real channels.</summary>
internal sealed class ExamplesSource : Component<string>
{
    public ExamplesSource(string id = "ExampleGen") : base("none", id, SourceLocation.Unknown)
    {
        Examples = DeclareOutput<Examples>("examples");
        Statistics = DeclareOutput<ExampleStatistics>("statistics");
        Schema = DeclareOutput<Schema>("schema");
    }

    public Channel<Examples> Examples { get; }

    public Channel<ExampleStatistics> Statistics { get; }

    public Channel<Schema> Schema { get; }

    public override string Version => "0";

    protected override IExecutor<string> CreateExecutor() => throw new NotSupportedException();
}
