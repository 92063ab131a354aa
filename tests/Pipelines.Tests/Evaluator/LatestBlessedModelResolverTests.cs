using Pipelines.Components;
using static Pipelines.Tests.Evaluator.EvaluatorTestData;

namespace Pipelines.Tests.Evaluator;

public sealed class LatestBlessedModelResolverTests
{
    [Fact]
    public async Task ResolveAsync_NewestBlessingNotBlessed_ReturnsLatestBlessedModelNotLatestModel()
    {
        // Newest first: run 12 evaluated model 30 and did not bless it; run 11 blessed model 20; run 10 blessed model 10.
        var query = new FakeQuery([Blessing(102, modelId: 30, blessed: false), Blessing(101, modelId: 20, blessed: true), Blessing(100, modelId: 10, blessed: true)],
            [ModelArtifact(10), ModelArtifact(20), ModelArtifact(30)]);

        var result = await Resolve(query);

        Assert.Equal(20, Assert.Single(result).Id);
        Assert.IsType<Model>(result[0]);
        Assert.Equal(("penguin", "Evaluator", "blessing", 5L), Assert.Single(query.Asked));
    }

    [Fact]
    public async Task ResolveAsync_BlessedModelNoLongerLive_TakesTheNextBlessed()
    {
        var query = new FakeQuery([Blessing(101, modelId: 20, blessed: true), Blessing(100, modelId: 10, blessed: true)], [ModelArtifact(10)]);

        Assert.Equal(10, Assert.Single(await Resolve(query)).Id);
    }

    [Fact]
    public async Task ResolveAsync_FirstRun_Empty() =>
        Assert.Empty(await Resolve(new FakeQuery([], [])));

    [Fact]
    public async Task ResolveAsync_NothingEverBlessed_Empty() =>
        Assert.Empty(await Resolve(new FakeQuery([Blessing(100, modelId: 10, blessed: false)], [ModelArtifact(10)])));

    [Fact]
    public void Evaluator_DeclaresBaselineModelPortWithThisResolver()
    {
        var source = new ModelSource();

        var node = new Components.Evaluator(source.Examples, source.Model, new EvaluatorOptions());

        var port = Assert.Single(node.ResolvedInputPorts);
        Assert.Equal(("baseline_model", typeof(Model)), (port.Name, port.ArtifactType));
        Assert.Equal("blessing", Assert.IsType<LatestBlessedModelResolver>(port.Resolver).BlessingPort);
        Assert.Equal(["examples", "model"], node.InputPorts.Select(p => p.Name));
        Assert.Equal(["evaluation", "blessing"], node.OutputPorts.Select(p => p.Name));
        Assert.Equal(("evaluation", "blessing"), (node.Outputs.Evaluation.Port, node.Outputs.Blessing.Port));
    }

    private static Task<IReadOnlyList<Artifact>> Resolve(FakeQuery query) =>
        new LatestBlessedModelResolver().ResolveAsync(
            new InputResolutionContext("penguin", "Evaluator", 5, new Dictionary<string, IReadOnlyList<Artifact>>(), query), CancellationToken.None);

    private static ProducedArtifact Blessing(long id, long modelId, bool blessed) =>
        new(Artifact.Create(typeof(ModelBlessing), id, $"/artifacts/{id}", Properties(("blessed", blessed ? 1 : 0), ("model_id", modelId))),
            id, DateTimeOffset.UnixEpoch.AddDays(id));

    private static Model ModelArtifact(long id) =>
        (Model)Artifact.Create(typeof(Model), id, $"/artifacts/{id}", Properties(("task", "MulticlassClassification")));

    private sealed class FakeQuery(ProducedArtifact[] blessingsNewestFirst, Artifact[] live) : IArtifactQuery
    {
        public List<(string, string, string, long)> Asked { get; } = [];

        public Task<IReadOnlyList<ProducedArtifact>> FindLiveOutputsAsync(
            string pipelineName, string producerNodeId, string outputPort, long excludeRunId, CancellationToken cancellationToken)
        {
            Asked.Add((pipelineName, producerNodeId, outputPort, excludeRunId));
            return Task.FromResult<IReadOnlyList<ProducedArtifact>>(blessingsNewestFirst);
        }

        public Task<Artifact?> GetLiveArtifactAsync(long artifactId, CancellationToken cancellationToken) =>
            Task.FromResult(live.FirstOrDefault(a => a.Id == artifactId));
    }
}

/// <summary>A stand-in upstream node with Examples and Model outputs.</summary>
internal sealed class ModelSource : Component<string>
{
    public ModelSource() : base("none", "Trainer", SourceLocation.Unknown)
    {
        Examples = DeclareOutput<Examples>("examples");
        Model = DeclareOutput<Model>("model");
    }

    public Channel<Examples> Examples { get; }

    public Channel<Model> Model { get; }

    public override string Version => "0";

    protected override IExecutor<string> CreateExecutor() => throw new NotSupportedException();
}
