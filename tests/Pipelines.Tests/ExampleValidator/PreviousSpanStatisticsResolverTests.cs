using System.Text.Json;
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
        Assert.Contains(("penguin", "StatisticsGen", "statistics", 7L), query.Asked);
    }

    [Fact]
    public async Task ResolveAsync_EqualSpans_PicksTheNewest()
    {
        var result = await Resolve(new FakeQuery(Produced(9, span: 4), Produced(8, span: 4)), Statistics(11, span: 5));

        Assert.Equal(9, Assert.Single(result).Id);
    }

    [Fact]
    public async Task ResolveAsync_CurrentWithoutSpan_NeverPicksItself()
    {
        // A cache hit reuses artifact 9 as the current statistics: it must not be its own baseline.
        var result = await Resolve(new FakeQuery(Produced(9, span: null, "h9"), Produced(8, span: null, "h8")), Statistics(9, span: null, "h9"));

        Assert.Equal(8, Assert.Single(result).Id);
    }

    [Fact]
    public async Task ResolveAsync_CurrentWithoutSpan_SkipsSameContentAndPicksNewestDifferentData()
    {
        // Run 10 read the same file as the current run (same statistics content); 9 is the previous different data.
        var query = new FakeQuery(Produced(10, span: null, "same"), Produced(9, span: null, "older"), Produced(8, span: null, "oldest"));

        var result = await Resolve(query, Statistics(11, span: null, "same"));

        Assert.Equal(9, Assert.Single(result).Id);
    }

    [Fact]
    public async Task ResolveAsync_CurrentWithoutSpanOnlySameContentBefore_Empty()
    {
        var result = await Resolve(new FakeQuery(Produced(10, span: null, "same")), Statistics(11, span: null, "same"));

        Assert.Empty(result);
    }

    [Fact]
    public async Task ResolveAsync_CurrentWithoutSpanAfterHistoryWithSpanZero_PicksByContent()
    {
        // Older ExampleGen versions wrote span 0 even without {SPAN}; a span-less current run still finds its baseline.
        var query = new FakeQuery(Produced(10, span: 0, "same"), Produced(9, span: 0, "older"));

        var result = await Resolve(query, Statistics(11, span: null, "same"));

        Assert.Equal(9, Assert.Single(result).Id);
    }

    [Fact]
    public async Task ResolveAsync_CurrentSpanZero_NoLowerSpanSoEmpty() =>
        Assert.Empty(await Resolve(new FakeQuery(Produced(10, span: 0, "other")), Statistics(11, span: 0, "x")));

    [Fact]
    public async Task ResolveAsync_NoLowerSpan_Empty()
    {
        var result = await Resolve(new FakeQuery(Produced(9, span: 5), Produced(8, span: null)), Statistics(11, span: 5));

        Assert.Empty(result);
    }

    [Fact]
    public async Task ResolveAsync_NothingPublishedYet_Empty() =>
        Assert.Empty(await Resolve(new FakeQuery(), Statistics(11, span: 1)));

    [Fact]
    public async Task ResolveAsync_PreviousSpanFailedValidation_PicksTheSpanBefore()
    {
        var query = new FakeQuery(Produced(10, span: 4), Produced(9, span: 3))
        {
            Verdicts = [Verdict(20, statisticsId: 10, blessed: false), Verdict(19, statisticsId: 9, blessed: true)],
        };

        var result = await Resolve(query, Statistics(11, span: 5));

        Assert.Equal(9, Assert.Single(result).Id);
        Assert.Contains(("penguin", "ExampleValidator", "anomalies", 7L), query.Asked);
    }

    [Fact]
    public async Task ResolveAsync_PreviousDataFailedThenPassedValidation_NewestVerdictWins()
    {
        // Statistics 10 failed, then a later run (curated schema fixed) blessed the same statistics.
        var query = new FakeQuery(Produced(10, span: null, "b"), Produced(9, span: null, "a"))
        {
            Verdicts = [Verdict(21, statisticsId: 10, blessed: true), Verdict(20, statisticsId: 10, blessed: false)],
        };

        var result = await Resolve(query, Statistics(11, span: null, "c"));

        Assert.Equal(10, Assert.Single(result).Id);
    }

    [Fact]
    public async Task ResolveAsync_EveryCandidateFailedValidation_UsesTheBestAnyway()
    {
        var query = new FakeQuery(Produced(10, span: 4), Produced(9, span: 3))
        {
            Verdicts = [Verdict(20, statisticsId: 10, blessed: false), Verdict(19, statisticsId: 9, blessed: false)],
        };

        var result = await Resolve(query, Statistics(11, span: 5));

        Assert.Equal(10, Assert.Single(result).Id);
    }

    private static Task<IReadOnlyList<Artifact>> Resolve(FakeQuery query, ExampleStatistics current) =>
        new PreviousSpanStatisticsResolver("StatisticsGen").ResolveAsync(
            new InputResolutionContext("penguin", "ExampleValidator", 7,
                new Dictionary<string, IReadOnlyList<Artifact>> { ["statistics"] = [current] }, query),
            CancellationToken.None);

    private static ExampleStatistics Statistics(long id, long? span, string? contentHash = null) =>
        Artifact<ExampleStatistics>(id, $"/artifacts/{id}", Properties(["train"], span), contentHash ?? $"hash-{id}");

    private static ProducedArtifact Produced(long id, long? span, string? contentHash = null) =>
        new(Statistics(id, span, contentHash), id, DateTimeOffset.UnixEpoch.AddDays(id));

    private static ProducedArtifact Verdict(long id, long statisticsId, bool blessed)
    {
        var properties = new Dictionary<string, JsonElement>
        {
            ["statistics_id"] = JsonSerializer.SerializeToElement(statisticsId),
            ["blessed"] = JsonSerializer.SerializeToElement(blessed ? 1 : 0),
        };
        return new(Artifact<ExampleAnomalies>(id, $"/artifacts/{id}", properties), id, DateTimeOffset.UnixEpoch.AddDays(id));
    }

    private sealed class FakeQuery(params ProducedArtifact[] newestFirst) : IArtifactQuery
    {
        public List<(string, string, string, long)> Asked { get; } = [];

        public Task<Artifact?> GetLiveArtifactAsync(long artifactId, CancellationToken cancellationToken) =>
            Task.FromResult(newestFirst.Select(p => p.Artifact).FirstOrDefault(a => a.Id == artifactId));

        public IReadOnlyList<ProducedArtifact> Verdicts { get; init; } = [];

        public Task<IReadOnlyList<ProducedArtifact>> FindLiveOutputsAsync(
            string pipelineName, string producerNodeId, string outputPort, long excludeRunId, CancellationToken cancellationToken)
        {
            Asked.Add((pipelineName, producerNodeId, outputPort, excludeRunId));
            return Task.FromResult(producerNodeId == "ExampleValidator" && outputPort == "anomalies" ? Verdicts : newestFirst);
        }
    }
}
