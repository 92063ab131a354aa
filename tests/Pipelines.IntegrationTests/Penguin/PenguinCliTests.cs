using System.Text.Json;
using Pipelines.Data;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Validation;

namespace Pipelines.IntegrationTests.Penguin;

/// <summary>The penguin pipeline through its real CLI process, on SQLite and on PostgreSQL.</summary>
public sealed class PenguinCliTests
{
    private static string PenguinCsv => Path.Combine(CliProcess.RepositoryRoot(), "pipelines", "penguin", "data", "penguins.csv");

    private static async Task<(string[] Db, Dictionary<string, string> Env)> StoreArgsAsync(StoreKind kind, string folder)
    {
        var metadata = await EngineFactory.MetadataAsync(kind, folder);
        return kind == StoreKind.Sqlite
            ? ([], new Dictionary<string, string>())
            : (["--db", metadata.ConnectionString], new Dictionary<string, string>());
    }

    private static async Task<JsonElement> ShowAsync(string cwd, string[] db, string run = "latest")
    {
        var show = await CliProcess.RunAsync("penguin", cwd, null, ["show", run, "--json", .. db]);
        return JsonDocument.Parse(show.Output).RootElement;
    }

    private static Dictionary<string, JsonElement> Nodes(JsonElement details) =>
        details.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("nodeId").GetString()!);

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Penguin_RunRerunCurateAndCorruptInput_CachesThenStopsAtExampleValidatorWithTheAnomalies(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var (db, env) = await StoreArgsAsync(kind, temp.Path);

        // 1. A full run from the shipped data.
        var first = await CliProcess.RunAsync("penguin", temp.Path, env, ["run", .. db]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("succeeded", first.Output);
        var run1 = await ShowAsync(temp.Path, db);
        Assert.Equal("Succeeded", run1.GetProperty("run").GetProperty("state").GetString());
        Assert.All(Nodes(run1).Values, n => Assert.Equal("Complete", n.GetProperty("state").GetString()));
        var run1Id = run1.GetProperty("run").GetProperty("id").GetInt64();

        // Lineage: the anomalies trace back through statistics and examples to the CSV file itself.
        var anomaliesId = Nodes(run1)["ExampleValidator"].GetProperty("outputs")[0].GetProperty("id").GetInt64();
        var lineage = await CliProcess.RunAsync("penguin", temp.Path, env, ["lineage", anomaliesId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", .. db]);
        var upstream = JsonDocument.Parse(lineage.Output).RootElement.GetProperty("upstream").EnumerateArray().ToList();
        Assert.Equal(["ExampleValidator", "StatisticsGen", "SchemaGen", "ExampleGen"], upstream.Select(s => s.GetProperty("nodeId").GetString()));
        var file = upstream.Single(s => s.GetProperty("nodeId").GetString() == "ExampleGen").GetProperty("externalFiles")[0];
        Assert.EndsWith("penguins.csv", file.GetProperty("path").GetString());
        Assert.Equal(64, file.GetProperty("contentHash").GetString()!.Length);

        // 2. An immediate re-run recomputes nothing and says from which run each node came. The Pusher always runs (its
        //    effect is outside the artifact store) and finds its model already the newest version: nothing is pushed.
        var second = await CliProcess.RunAsync("penguin", temp.Path, env, ["run", .. db]);
        Assert.True(second.ExitCode == 0, second.ToString());
        var run2 = await ShowAsync(temp.Path, db);
        Assert.All(Nodes(run2).Where(n => n.Key != "Pusher").Select(n => n.Value), n =>
        {
            Assert.Equal("Cached", n.GetProperty("state").GetString());
            Assert.Equal(run1Id, n.GetProperty("cachedFromRunId").GetInt64());
        });
        var pusher = Nodes(run2)["Pusher"];
        Assert.Equal("Complete", pusher.GetProperty("state").GetString());
        var pushed = pusher.GetProperty("outputs")[0].GetProperty("properties");
        Assert.Equal(0, pushed.GetProperty("pushed").GetInt32());
        Assert.Contains("is already the newest version (penguin version 1)", pushed.GetProperty("not_pushed_reason").GetString(), StringComparison.Ordinal);

        // 3. Curate the schema (the inferred one, exported), as a user would before relying on validation.
        var export = await CliProcess.RunAsync("penguin", temp.Path, env, ["export-schema", .. db]);
        Assert.True(export.ExitCode == 0, export.ToString());
        var curated = Path.Combine(temp.Path, "schemas", "penguin.schema.json");
        Assert.True(File.Exists(curated));

        // 4. Corrupted data: a new island and no 'sex' column. The run stops at ExampleValidator with those anomalies.
        var lines = File.ReadAllLines(PenguinCsv);
        var corrupt = lines.Select((line, i) =>
        {
            var fields = line.Split(',').ToList();
            fields.RemoveAt(6);
            if (i > 0 && i % 10 == 0)
            {
                fields[1] = "Atlantis";
            }

            return string.Join(',', fields);
        });
        var corruptPath = Path.Combine(temp.Path, "corrupt.csv");
        File.WriteAllLines(corruptPath, corrupt);
        var bad = await CliProcess.RunAsync("penguin", temp.Path, env, ["run", "--param", $"input={corruptPath}", .. db]);
        Assert.True(bad.ExitCode == 1, bad.ToString());
        var run3 = await ShowAsync(temp.Path, db);
        Assert.Equal("Failed", run3.GetProperty("run").GetProperty("state").GetString());
        var nodes = Nodes(run3);
        Assert.Equal("Complete", nodes["ExampleGen"].GetProperty("state").GetString());
        Assert.Contains("re-ran", nodes["ExampleGen"].GetProperty("cacheExplanation").GetString());
        Assert.Contains("corrupt.csv", nodes["ExampleGen"].GetProperty("cacheExplanation").GetString());
        Assert.Equal("Complete", nodes["SchemaGen"].GetProperty("state").GetString());
        Assert.Contains("penguin.schema.json", nodes["SchemaGen"].GetProperty("cacheExplanation").GetString());
        Assert.Equal("Failed", nodes["ExampleValidator"].GetProperty("state").GetString());
        var error = nodes["ExampleValidator"].GetProperty("error").GetString()!;
        Assert.Contains("Atlantis", error);
        Assert.Contains("sex", error);
        Assert.Contains("Atlantis", run3.GetProperty("run").GetProperty("error").GetString());

        // The anomalies are published with the failed node (never cached, never seen downstream) so users can read them.
        var anomaliesOutput = Assert.Single(nodes["ExampleValidator"].GetProperty("outputs").EnumerateArray());
        Assert.Equal("Live", anomaliesOutput.GetProperty("state").GetString());
        Assert.Equal(0, anomaliesOutput.GetProperty("properties").GetProperty("blessed").GetInt32());
        var run3Id = run3.GetProperty("run").GetProperty("id").GetInt64();

        // 5. Reading results from C#: the first run's examples as a DataFrame and its statistics as typed records.
        await using var store = await PipelineStore.OpenAsync(kind == StoreKind.Sqlite ? null : db[1], Path.Combine(temp.Path, ".pipelines"));
        var examples = await store.GetOutputAsync<Examples>(run1Id, "ExampleGen");
        var train = await ExamplesReader.LoadDataFrameAsync(examples, "train");
        var eval = await ExamplesReader.LoadDataFrameAsync(examples, "eval");
        Assert.Equal(344, train.Rows.Count + eval.Rows.Count);
        Assert.Equal(2, train.Columns["beak_length_mm"].NullCount + eval.Columns["beak_length_mm"].NullCount);
        var statistics = await DatasetStatistics.LoadAsync(await store.GetOutputAsync<ExampleStatistics>(run1Id, "StatisticsGen"), CancellationToken.None);
        Assert.Equal(train.Rows.Count, statistics.FindSplit("train")!.RowCount);
        var view = await ExamplesReader.LoadDataViewAsync(examples, "eval");
        Assert.Equal(eval.Rows.Count, view.GetRowCount());
        var report = await AnomalyReport.LoadAsync(await store.GetOutputAsync<ExampleAnomalies>(run3Id, "ExampleValidator"), CancellationToken.None);
        Assert.Contains(report.Errors, a => a.Kind == AnomalyKind.MissingColumn && a.Column == "sex");
        Assert.Contains(report.Errors, a => a.Kind == AnomalyKind.UnexpectedCategoricalValues && a.Column == "island" && a.Message.Contains("Atlantis", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    public async Task Penguin_MissingInputFile_FailsWithTheFileNameAndExitCode1(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var (db, env) = await StoreArgsAsync(kind, temp.Path);
        var result = await CliProcess.RunAsync("penguin", temp.Path, env, ["run", "--param", "input=/nonexistent/penguins.csv", .. db]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/penguins.csv", result.Output);
        var run = await ShowAsync(temp.Path, db);
        var nodes = Nodes(run);
        Assert.Equal("Failed", nodes["ExampleGen"].GetProperty("state").GetString());
        Assert.Equal(1, nodes["ExampleGen"].GetProperty("attempts").GetInt32());
        Assert.Equal("Canceled", nodes["StatisticsGen"].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Penguin_UnknownParameter_ExitCode2ListsTheParameters()
    {
        using var temp = new TempDirectory();
        var result = await CliProcess.RunAsync("penguin", temp.Path, null, ["run", "--param", "inptu=x.csv"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'inptu' is not a parameter of 'penguin'", result.Error);
        Assert.Contains("input (default", result.Error);
    }
}
