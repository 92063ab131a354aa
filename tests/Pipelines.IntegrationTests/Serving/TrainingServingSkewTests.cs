using Pipelines.Components;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Serving;
using Pipelines.Validation;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>
/// Training/serving skew end to end: the model server's request log (<c>--log-requests</c>) read back by ExampleGen and
/// StatisticsGen, and ExampleValidator comparing it with the training data.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class TrainingServingSkewTests(PenguinCliFixture penguin)
{
    [Fact]
    public async Task ServedRequestsAllFromOneIsland_ExampleValidatorFailsWithTrainingServingSkewOnIsland()
    {
        using var temp = new TempDirectory();
        var logs = Path.Combine(temp.Path, "serving-logs");
        await using (var server = await ModelServer.StartAsync(
            new ServingOptions { Urls = ["http://127.0.0.1:0"], RequestLogDirectory = logs },
            new DirectoryModelSource("penguin", penguin.Model.Uri, penguin.Model.Id, penguin.Model.ContentHash!),
            _ => { }, TimeProvider.System, CancellationToken.None))
        {
            // Clients only send penguins said to be from Torgersen (about 15% of the training rows).
            using var http = new HttpClient();
            var instances = PenguinServing.Instances(240).Select(i => i.Instance).ToList();
            foreach (var instance in instances)
            {
                instance["island"] = "Torgersen";
            }

            foreach (var chunk in instances.Chunk(40))
            {
                var (status, body) = await PenguinServing.PredictAsync(http, server.Addresses[0], "penguin", PenguinServing.Body(chunk));
                Assert.True(status == 200, body.ToString());
            }
        }

        // Disposing the server flushed the log: one flat JSON line per served instance.
        var log = Assert.Single(Directory.GetFiles(Path.Combine(logs, "penguin"), "*.jsonl"));
        Assert.Equal(240, File.ReadLines(log).Count());

        var training = new ExampleGen(PenguinServing.PenguinCsv, new ExampleGenOptions { LabelColumn = "species" }, id: "TrainingExamples");
        var trainingStatistics = new StatisticsGen(training.Outputs.Examples, id: "TrainingStatistics");
        var schema = new SchemaGen(trainingStatistics.Outputs.Statistics, new SchemaGenOptions { LabelColumn = "species", Task = LearningTask.Classification });
        var served = new ExampleGen(log, id: "ServedExamples");
        var servedStatistics = new StatisticsGen(served.Outputs.Examples, id: "ServedStatistics");
        var validator = new ExampleValidator(trainingStatistics.Outputs.Statistics, schema.Outputs.Schema, servingStatistics: servedStatistics.Outputs.Statistics);
        var pipeline = new Pipeline("penguin-skew", [training, trainingStatistics, schema, served, servedStatistics, validator]);
        var metadata = await EngineFactory.MetadataAsync(StoreKind.Sqlite, temp.Path);
        long runId;
        await using (var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            runId = await engine.StartRunAsync(new Dictionary<string, string>(), false, cts.Token);
            var run = await engine.WaitAsync(runId, null, cts.Token);
            Assert.Equal(RunState.Failed, run.State);
            Assert.Contains("training/serving skew", run.Error, StringComparison.Ordinal);
        }

        await using var store = await PipelineStore.OpenAsync(Path.Combine(temp.Path, "metadata.db"));
        var report = await AnomalyReport.LoadAsync(await store.GetOutputAsync<ExampleAnomalies>(runId, "ExampleValidator"), CancellationToken.None);
        var skew = Assert.Single(report.Anomalies, a => a.Kind == AnomalyKind.TrainingServingSkew && a.Column == "island");
        Assert.Contains("the share of 'Torgersen' is", skew.Message, StringComparison.Ordinal);
        Assert.Contains("100% in the served requests", skew.Message, StringComparison.Ordinal);
    }
}
