using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>
/// The serving scenarios run one at a time and after the parallel tests: they start model server processes and measure
/// latency (InfraValidator's p99 bound), which other CPU-heavy tests running at the same time would distort.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServingCollection : ICollectionFixture<PenguinCliFixture>
{
    public const string Name = "Serving";
}

/// <summary>
/// One real <c>penguin run</c> (the shipped pipeline, ending with InfraValidator → Pusher) in a temporary folder, on the
/// embedded SQLite store, shared by the serving tests: its pushed version 1, its Model and Examples artifacts.
/// </summary>
public sealed class PenguinCliFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    /// <summary>The working directory of the run (holds <c>.pipelines/</c>).</summary>
    public string Folder => _temp.Path;

    /// <summary>The push destination the run used (the default <c>serving_dir</c>).</summary>
    public string Destination => Path.Combine(Folder, ".pipelines", "serving");

    public MetadataStoreOptions Metadata => new(MetadataProvider.Sqlite, $"Data Source={Path.Combine(Folder, ".pipelines", "metadata.db")}");

    public CliProcess.Result Run { get; private set; } = null!;

    public long RunId { get; private set; }

    public Model Model { get; private set; } = null!;

    public Examples Examples { get; private set; } = null!;

    public PushedModel Pushed { get; private set; } = null!;

    public InfraBlessing InfraBlessing { get; private set; } = null!;

    public ModelBlessing Blessing { get; private set; } = null!;

    public ModelEvaluation Evaluation { get; private set; } = null!;

    /// <summary>Fails the calling test with the run's output unless the run pushed version 1.</summary>
    public void AssertPushedVersion1()
    {
        Assert.True(Pushed.GetLong("pushed") == 1 && Pushed.GetLong("pushed_version") == 1,
            $"the penguin run did not push version 1: {Pushed.GetString("not_pushed_reason")}\n{Run}");
    }

    public async Task InitializeAsync()
    {
        Run = await CliProcess.RunAsync("penguin", Folder, null, "run");
        if (Run.ExitCode != 0)
        {
            throw new InvalidOperationException("penguin run failed:\n" + Run);
        }

        await using var store = await PipelineStore.OpenAsync(home: Path.Combine(Folder, ".pipelines"));
        RunId = (await store.LatestRunAsync("penguin", succeededOnly: true)).Id;
        Model = await store.GetOutputAsync<Model>(RunId, "Trainer");
        Examples = await store.GetOutputAsync<Examples>(RunId, "ExampleGen");
        Pushed = await store.GetOutputAsync<PushedModel>(RunId, "Pusher");
        InfraBlessing = await store.GetOutputAsync<InfraBlessing>(RunId, "InfraValidator");
        Blessing = await store.GetOutputAsync<ModelBlessing>(RunId, "Evaluator");
        Evaluation = await store.GetOutputAsync<ModelEvaluation>(RunId, "Evaluator");
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}
