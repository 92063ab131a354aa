using System.CommandLine;
using System.Globalization;
using Pipelines.Metadata;
using Spectre.Console;

namespace Pipelines.Hosting;

/// <summary><c>models</c>: the pushed versions of each served model with their promotion history (push or rollback, from which
/// run, which blessing and evaluation, who triggered it, when) and whether each version is still on disk; the newest one on
/// disk is the one <c>serve</c> serves.</summary>
internal static class ModelsCommand
{
    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        var models = new Option<string?>("--models") { Description = "Push destination. Default: the pipeline's Pusher destination." };
        var name = new Option<string?>("--model") { Description = "Only this model name." };
        var json = new Option<bool>("--json") { Description = "Print JSON: the promotion log entries with an onDisk and serving flag each." };
        var command = new Command("models", "List pushed model versions and their promotion history (pushes and rollbacks).") { models, name, json };
        command.SetAction(async (parse, ct) =>
        {
            var destination = ServingDestination.Resolve(pipeline, parse.GetValue(models));
            await using var store = await CommonOptions.OpenStoreAsync(common.Paths(parse), ct).ConfigureAwait(false);
            var log = await PromotionLog.ListAsync(store, parse.GetValue(name), ct).ConfigureAwait(false);
            var entries = log.Select(p => new ModelVersionEntry(p, OnDisk(destination, p), Serving: false)).ToList();
            var newest = entries.Where(e => e.OnDisk).GroupBy(e => e.Record.ModelName).Select(g => g.MaxBy(e => e.Record.Version)!.Record.Id).ToHashSet();
            entries = [.. entries.Select(e => e with { Serving = newest.Contains(e.Record.Id) })];
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonOutput.Serialize(entries.Select(e => new
                {
                    e.Record.ModelName, e.Record.Version, e.Record.Action, e.Record.ModelArtifactId, e.Record.ModelContentHash, e.Record.Destination,
                    e.Record.Pipeline, e.Record.RunId, e.Record.BlessingArtifactId, e.Record.EvaluationArtifactId, e.Record.InfraBlessingArtifactId,
                    e.Record.RolledBackFromVersion, e.Record.TriggeredBy, e.Record.CreatedAt, e.OnDisk, e.Serving,
                })));
                return 0;
            }

            if (entries.Count == 0)
            {
                Console.WriteLine($"Nothing pushed yet (promotion log of {store.Options.Redacted()}). A run whose Evaluator blesses the model pushes it to {destination}.");
                return 0;
            }

            foreach (var group in entries.GroupBy(e => e.Record.ModelName).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var table = new Table().Title($"[bold]{Markup.Escape(group.Key)}[/]  ({Markup.Escape(PushLayout.ModelDirectory(destination, group.Key))})")
                    .AddColumns("Version", "Action", "Model", "Run", "Blessing", "Evaluation", "Triggered by", "When (UTC)", "State");
                foreach (var e in group.OrderByDescending(e => e.Record.Version))
                {
                    var r = e.Record;
                    table.AddRow(
                        r.Version.ToString(CultureInfo.InvariantCulture),
                        r.Action == PromotionAction.Rollback ? $"rollback to {r.RolledBackFromVersion}" : "push",
                        r.ModelArtifactId.ToString(CultureInfo.InvariantCulture),
                        Id(r.RunId), Id(r.BlessingArtifactId), Id(r.EvaluationArtifactId),
                        Markup.Escape(r.Action == PromotionAction.Push ? $"run {r.RunId}" : r.TriggeredBy.Replace("rollback by ", "", StringComparison.Ordinal)),
                        r.CreatedAt.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                        e.Serving ? "[green]serving[/]" : e.OnDisk ? "on disk" : "[grey]removed[/]");
                }

                AnsiConsole.Write(table);
            }

            return 0;
        });
        return command;
    }

    private static bool OnDisk(string destination, PromotionRecord record) =>
        File.Exists(Path.Combine(PushLayout.VersionDirectory(destination, record.ModelName, record.Version), PushManifest.FileName));

    private static string Id(long? id) => id?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private sealed record ModelVersionEntry(PromotionRecord Record, bool OnDisk, bool Serving);
}
