using Microsoft.EntityFrameworkCore;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;

namespace Pipelines.IntegrationTests.Penguin;

/// <summary>Scale-out: a separate `worker` process runs the nodes of a run started elsewhere, over PostgreSQL.</summary>
public sealed class PenguinWorkerTests
{
    [SkippableFact]
    public async Task Run_WithZeroLocalWorkers_IsExecutedByASeparateWorkerProcess()
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(StoreKind.Postgres, temp.Path);
        var artifacts = Path.Combine(temp.Path, "shared-artifacts");
        using var worker = CliProcess.Start("penguin", temp.Path, "worker", "--db", metadata.ConnectionString, "--artifacts", artifacts, "--workers", "2");
        try
        {
            var run = await CliProcess.RunAsync("penguin", temp.Path, null, "run", "--workers", "0", "--db", metadata.ConnectionString, "--artifacts", artifacts);
            Assert.True(run.ExitCode == 0, run.ToString());

            await using var store = await MetadataStore.OpenAsync(metadata, TimeProvider.System, CancellationToken.None);
            await using var db = store.CreateContext();
            var owners = await db.Executions.Select(e => e.LeaseOwner).ToListAsync();
            Assert.Equal(10, owners.Count); // every penguin node (InfraValidator and Pusher included), Tuner trials aside
            Assert.All(owners, o => Assert.Contains($"/{worker.Id}/", o));
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Run_WithZeroWorkersOnEmbeddedStore_IsRefusedWithTheReason()
    {
        using var temp = new TempDirectory();
        var result = await CliProcess.RunAsync("penguin", temp.Path, null, "run", "--workers", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--workers 0 needs a shared PostgreSQL store", result.Error);
    }
}
