using System.CommandLine;
using System.Globalization;
using Pipelines.Metadata;
using Spectre.Console;

namespace Pipelines.Hosting;

/// <summary><c>show &lt;run-id&gt;</c>: every node with state, cache decision, duration and outputs; then artifact summaries.</summary>
internal static class ShowCommand
{
    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        var runId = new Argument<string>("run-id") { Description = "A run id, or 'latest'." };
        var json = new Option<bool>("--json") { Description = "Print JSON: a RunDetails (see docs/cli-json.md)." };
        var command = new Command("show", "Show one run: nodes, cache decisions, outputs, statistics and anomalies.") { runId, json };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await CommonOptions.OpenStoreAsync(common.Paths(parse), ct).ConfigureAwait(false);
            var queries = new MetadataQueries(store);
            var id = await ResolveRunIdAsync(queries, pipeline, parse.GetValue(runId)!, ct).ConfigureAwait(false);
            var details = await queries.GetRunAsync(id, ct).ConfigureAwait(false)
                ?? throw new HostUsageException($"run {id} does not exist in this metadata store. List runs with: runs");
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonOutput.Serialize(details));
                return 0;
            }

            await RenderAsync(details, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    internal static async Task<long> ResolveRunIdAsync(MetadataQueries queries, Pipeline pipeline, string value, CancellationToken ct)
    {
        if (string.Equals(value, "latest", StringComparison.OrdinalIgnoreCase))
        {
            var runs = await queries.ListRunsAsync(pipeline.Name, 1, ct).ConfigureAwait(false);
            return runs.Count > 0 ? runs[0].Id : throw new HostUsageException($"'{pipeline.Name}' has no runs yet.");
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new HostUsageException($"'{value}' is not a run id (a number, or 'latest').");
    }

    private static async Task RenderAsync(RunDetails details, CancellationToken ct)
    {
        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns when not on a terminal; logs and pipes can take wide tables.
            AnsiConsole.Profile.Width = 160;
        }

        var run = details.Run;
        AnsiConsole.MarkupLine($"Run [bold]{run.Id}[/] of [bold]{Markup.Escape(run.Pipeline)}[/]: {Styles.State(run.State)}, started {run.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, {run.DurationSeconds:0.0}s, {run.CachedNodes}/{run.Nodes} cached{(details.NoCache ? " (--no-cache)" : "")}");
        if (details.Parameters.Count > 0)
        {
            AnsiConsole.MarkupLine("Parameters: " + Markup.Escape(string.Join(", ", details.Parameters.Select(p => $"{p.Key}={p.Value}"))));
        }

        if (run.Error is not null)
        {
            AnsiConsole.MarkupLine($"[red]Error:[/] {Markup.Escape(run.Error)}");
        }

        var table = new Table().AddColumns("Node", "State", "Duration", "Outputs", "Cache decision / error");
        foreach (var node in details.Nodes)
        {
            var outputs = string.Join("\n", node.Outputs.Select(o => $"{o.Port} #{o.Id}"));
            var cache = node.Cached ? $"reused from run {node.CachedFromRunId}" : node.CacheExplanation ?? "";
            if (node.Error is not null)
            {
                cache = (cache.Length > 0 ? cache + "\n" : "") + "error: " + node.Error;
            }

            table.AddRow(
                Markup.Escape(node.NodeId),
                Styles.State(node.State) + (node.Attempts > 1 ? $" ({node.Attempts} attempts)" : ""),
                node.DurationSeconds is { } d ? $"{d:0.00}s" : "",
                Markup.Escape(outputs),
                Markup.Escape(cache));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("\n[bold]Artifacts[/]");
        foreach (var node in details.Nodes)
        {
            foreach (var o in node.Outputs)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"  #{o.Id} {o.Type} ({o.State}) {node.NodeId}.{o.Port}: {o.Uri}"));
            }
        }

        foreach (var node in details.Nodes)
        {
            foreach (var output in node.Outputs.Where(o => o.State == ArtifactState.Live))
            {
                await ArtifactRenderer.RenderAsync(node.NodeId, output, ct).ConfigureAwait(false);
            }
        }
    }
}
