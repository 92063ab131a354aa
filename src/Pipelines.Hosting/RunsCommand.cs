using System.CommandLine;
using Pipelines.Metadata;
using Spectre.Console;

namespace Pipelines.Hosting;

/// <summary><c>runs</c>: run history of this pipeline, newest first.</summary>
internal static class RunsCommand
{
    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON: an array of RunSummary (see docs/cli-json.md)." };
        var limit = new Option<int>("--limit") { Description = "At most this many runs.", DefaultValueFactory = _ => 20 };
        var command = new Command("runs", "List runs: id, start, duration, state.") { json, limit };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await CommonOptions.OpenStoreAsync(common.Paths(parse), ct).ConfigureAwait(false);
            var runs = await new MetadataQueries(store).ListRunsAsync(pipeline.Name, parse.GetValue(limit), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonOutput.Serialize(runs));
                return 0;
            }

            if (runs.Count == 0)
            {
                Console.WriteLine($"No runs of '{pipeline.Name}' yet. Start one with: run");
                return 0;
            }

            var table = new Table().AddColumns("Run", "Started (UTC)", "Duration", "State", "Cached", "Error");
            foreach (var r in runs)
            {
                table.AddRow(
                    r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    r.StartedAt.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    $"{r.DurationSeconds:0.0}s",
                    Styles.State(r.State),
                    $"{r.CachedNodes}/{r.Nodes}",
                    Markup.Escape(Styles.Shorten(r.Error ?? "", 80)));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
