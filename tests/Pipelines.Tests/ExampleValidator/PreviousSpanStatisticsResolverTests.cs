using Pipelines.Components;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.ExampleValidator;

public sealed class PreviousSpanStatisticsResolverTests
{
    [Fact]
    public async Task ResolveAsync_SpansPresent_PicksHighestSpanBelowCurrent()
    {
        var query = new FakeQuery(Produced(10, span: 6), Produced(9, span: 3), Produced(8, span: 4), Produced(7, span: 2));

        var result = await Resolve(query, Statistics(11, span: 5));

        Assert.Equal(8, Assert.Single(result).Id);
        Assert.Equal(("penguin", "StatisticsGen", "statistics", 7L), query.Asked);
    }

    [Fact]
    public async Task ResolveAsync_EqualSpans_PicksTheNewest()
    {
        var result = await Resolve(new FakeQuery(Produced(9, span: 4), Produced(8, span: 4)), Statistics(11, span: 5));

        Assert.Equal(9, Assert.Single(result).Id);
    }

    [Fact]
    public async Task ResolveAsync_CurrentWithoutSpan_PicksNewestOtherArtifact()
    {
        // A cache hit reuses artifact 9 as the current statistics: it must not be its own baseline.
        var result = await Resolve(new FakeQuery(Produced(9, span: null), Produced(8, span: null)), Statistics(9, span: null));

        Assert.Equal(8, Assert.Single(result).Id);
    }

    [Fact]
    public async Task ResolveAsync_NoLowerSpan_Empty()
    {
        var result = await Resolve(new FakeQuery(Produced(9, span: 5), Produced(8, span: null)), Statistics(11, span: 5));

        Assert.Empty(result);
    }

    [Fact]
    public async Task ResolveAsync_NothingPublishedYet_Empty() =>
        Assert.Empty(await Resolve(new FakeQuery(), Statistics(11, span: 1)));

    private static Task<IReadOnlyList<Artifact>> Resolve(FakeQuery query, ExampleStatistics current) =>
        new PreviousSpanStatisticsResolver("StatisticsGen").ResolveAsync(
            new InputResolutionContext("penguin", "ExampleValidator", 7,
                new Dictionary<string, IReadOnlyList<Artifact>> { ["statistics"] = [current] }, query),
            CancellationToken.None);

    private static ExampleStatistics Statistics(long id, long? span) =>
        Artifact<ExampleStatistics>(id, $"/artifacts/{id}", Properties(["train"], span));

    private static ProducedArtifact Produced(long id, long? span) =>
        new(Statistics(id, span), id, DateTimeOffset.UnixEpoch.AddDays(id));

    private sealed class FakeQuery(params ProducedArtifact[] newestFirst) : IArtifactQuery
    {
        public (string, string, string, long)? Asked { get; private set; }

        public Task<IReadOnlyList<ProducedArtifact>> FindLiveOutputsAsync(
            string pipelineName, string producerNodeId, string outputPort, long excludeRunId, CancellationToken cancellationToken)
        {
            Asked = (pipelineName, producerNodeId, outputPort, excludeRunId);
            return Task.FromResult<IReadOnlyList<ProducedArtifact>>(newestFirst);
        }
    }
}
