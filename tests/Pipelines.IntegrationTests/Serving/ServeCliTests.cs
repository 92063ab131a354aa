using System.Collections.Concurrent;
using Pipelines.IntegrationTests.TestKit;
using Xunit.Abstractions;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>The <c>serve</c> verb as a real process over what a real <c>penguin run</c> pushed.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServeCliTests(PenguinCliFixture penguin, ITestOutputHelper output)
{
    [Fact]
    public async Task Serve_AfterAPenguinRun_AnswersRealPredictionsOverHttpAndReportsVersion1()
    {
        penguin.AssertPushedVersion1();
        Assert.Equal([1], PushLayout.Versions(penguin.Destination, "penguin"));

        await using var server = await ServeProcess.StartAsync("penguin", penguin.Folder, "--urls", "http://127.0.0.1:0");
        Assert.StartsWith("http://127.0.0.1:", server.Url);
        Assert.NotEqual(0, new Uri(server.Url).Port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // Every 8th complete row of the shipped data: all three species, three islands.
        var rows = PenguinServing.Instances(400).Where((_, i) => i % 8 == 0).ToList();
        var (status, body) = await PenguinServing.PredictAsync(http, server.Url, "penguin", PenguinServing.Body(rows.Select(r => r.Instance)));
        Assert.True(status == 200, body.ToString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        var predictions = body.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(rows.Count, predictions.Count);
        predictions.ForEach(PenguinServing.AssertPenguinPrediction);
        var correct = predictions.Zip(rows).Count(p => p.First.GetProperty("label").GetString() == p.Second.Species);
        Assert.True(correct >= 0.9 * rows.Count, $"{correct} of {rows.Count} served predictions are the true species");
        Assert.Equal(PenguinServing.Species, rows.Select(r => r.Species).Distinct().Order(StringComparer.Ordinal));

        // A missing measurement is sent as null and still predicted.
        var partial = rows[0].Instance.DeepClone().AsObject();
        partial["body_mass_g"] = null;
        partial["sex"] = null;
        var (partialStatus, partialBody) = await PenguinServing.PredictAsync(http, server.Url, "penguin", PenguinServing.Body([partial]));
        Assert.True(partialStatus == 200, partialBody.ToString());
        PenguinServing.AssertPenguinPrediction(partialBody.GetProperty("predictions")[0]);

        var (modelStatus, model) = await PenguinServing.StatusAsync(http, server.Url, "penguin");
        Assert.Equal(200, modelStatus);
        Assert.Equal("1", PenguinServing.ServedVersion(model));
        Assert.Equal("AVAILABLE", model.GetProperty("model_version_status")[0].GetProperty("state").GetString());
        Assert.Equal(penguin.Model.Id, model.GetProperty("model_artifact_id").GetInt64());
        Assert.Equal(penguin.Model.ContentHash, model.GetProperty("sha256").GetString());
        Assert.Equal(PenguinServing.Species, model.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Empty(model.GetProperty("refused_versions").EnumerateArray());

        using var health = await http.GetAsync($"{server.Url}/healthz");
        Assert.Equal(200, (int)health.StatusCode);
        Assert.Contains("\"penguin\":1", await health.Content.ReadAsStringAsync());

        using var unknown = await http.GetAsync($"{server.Url}/v1/models/puffin");
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Contains("penguin", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Serve_SecondRunPushesVersion2WhileClientsKeepPredicting_SwitchesToVersion2WithZeroFailedRequests()
    {
        // A destination of this test's own: the fixture's run, cached, re-runs only the Pusher (its destination changed).
        var destination = Path.Combine(penguin.Folder, "serving-hot-swap");
        var first = await CliProcess.RunAsync("penguin", penguin.Folder, null, "run", "--param", $"serving_dir={destination}");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(PushLayout.Versions(destination, "penguin") is [1], "version 1 was not pushed to the test's destination:\n" + first);

        await using var server = await ServeProcess.StartAsync("penguin", penguin.Folder, "--models", destination, "--urls", "http://127.0.0.1:0");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("1", PenguinServing.ServedVersion((await PenguinServing.StatusAsync(http, server.Url, "penguin")).Body));

        var instances = PenguinServing.Instances(300).Select(r => PenguinServing.Body([r.Instance])).ToArray();
        var failures = new ConcurrentQueue<string>();
        var versionsByClient = Enumerable.Range(0, 4).Select(_ => new List<string>()).ToArray();
        using var stop = new CancellationTokenSource();
        var clients = versionsByClient.Select((versions, client) => Task.Run(async () =>
        {
            for (var i = client; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var (status, body) = await PenguinServing.PredictAsync(http, server.Url, "penguin", instances[i % instances.Length], CancellationToken.None);
                    if (status != 200)
                    {
                        failures.Enqueue($"client {client} request {i}: HTTP {status} {body}");
                        continue;
                    }

                    PenguinServing.AssertPenguinPrediction(body.GetProperty("predictions")[0]);
                    lock (versions)
                    {
                        versions.Add(body.GetProperty("model_version").GetString()!);
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue($"client {client} request {i}: {e.GetType().Name}: {e.Message}");
                }

                // Paced, so the second run's InfraValidator measures its own latency rather than this load's.
                await Task.Delay(10, CancellationToken.None);
            }
        })).ToArray();

        try
        {
            var second = await CliProcess.RunAsync("penguin", penguin.Folder, null, "run", "--no-cache", "--param", $"serving_dir={destination}");
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.True(second.Output.Contains("as penguin version 2", StringComparison.Ordinal), "the second run did not push version 2:\n" + second);

            // The server polls the destination every second. The deadline is generous because today a poll that falls between
            // the Pusher's rename and the commit of its promotion log entry refuses the new version and retries it only 30 s later.
            await Eventually.TrueAsync(
                async () => PenguinServing.ServedVersion((await PenguinServing.StatusAsync(http, server.Url, "penguin")).Body) == "2",
                TimeSpan.FromSeconds(60), () => "the server did not switch to version 2. Its output:\n" + server.Output);
            await Eventually.TrueAsync(
                () => Task.FromResult(versionsByClient.All(v => { lock (v) { return v.Count(x => x == "2") >= 5; } })),
                TimeSpan.FromSeconds(30), () => "some client got fewer than five answers from version 2");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            output.WriteLine(server.Output);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} request(s) failed during the swap; first: {string.Join("\n", failures.Take(5))}");
        foreach (var versions in versionsByClient)
        {
            // Each client saw version 1, then version 2, and never version 1 again after its first version 2 answer.
            Assert.Equal("1", versions[0]);
            Assert.Equal("2", versions[^1]);
            var firstTwo = versions.IndexOf("2");
            Assert.All(versions.Skip(firstTwo), v => Assert.Equal("2", v));
            Assert.All(versions.Take(firstTwo), v => Assert.Equal("1", v));
        }

        Assert.True(versionsByClient.Sum(v => v.Count) > 100, $"only {versionsByClient.Sum(v => v.Count)} requests were answered");
        Assert.Contains("switched penguin from version 1 to version 2", server.Output);
        Assert.Equal([1, 2], PushLayout.Versions(destination, "penguin"));
        var model = (await PenguinServing.StatusAsync(http, server.Url, "penguin")).Body;
        Assert.NotEqual(penguin.Model.Id, model.GetProperty("model_artifact_id").GetInt64());
    }
}
