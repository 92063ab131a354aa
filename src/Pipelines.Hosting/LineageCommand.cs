using System.CommandLine;
using System.Globalization;
using Pipelines.Metadata;
using Spectre.Console;

namespace Pipelines.Hosting;

/// <summary><c>lineage &lt;artifact-id&gt;</c>: what produced an artifact, from what inputs, recursively; and what used it.</summary>
internal static class LineageCommand
{
    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        _ = pipeline;
        var artifactId = new Argument<long>("artifact-id") { Description = "An artifact id (see show)." };
        var json = new Option<bool>("--json") { Description = "Print JSON: a Lineage (see docs/cli-json.md)." };
        var command = new Command("lineage", "Trace an artifact upstream to its data and downstream to its uses.") { artifactId, json };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await CommonOptions.OpenStoreAsync(common.Paths(parse), ct).ConfigureAwait(false);
            var id = parse.GetValue(artifactId);
            var lineage = await new MetadataQueries(store).GetLineageAsync(id, ct).ConfigureAwait(false)
                ?? throw new HostUsageException($"artifact {id} does not exist in this metadata store.");
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonOutput.Serialize(lineage));
                return 0;
            }

            var a = lineage.Artifact;
            AnsiConsole.MarkupLine($"Artifact [bold]#{a.Id}[/] {a.Type} ({a.State}) {Markup.Escape(a.Uri)}");
            var tree = new Tree("[bold]upstream[/] (produced by)");
            foreach (var step in lineage.Upstream)
            {
                var node = tree.AddNode(Markup.Escape(Describe(step, step.Inputs, "from")));
                foreach (var file in step.ExternalFiles)
                {
                    node.AddNode(Markup.Escape($"file {file.Path} ({file.Length} bytes{(file.ContentHash is null ? "" : $", sha256 {file.ContentHash[..12]}")})"));
                }
            }

            AnsiConsole.Write(tree);
            var down = new Tree("[bold]downstream[/] (used by)");
            foreach (var step in lineage.Downstream)
            {
                down.AddNode(Markup.Escape(Describe(step, step.Outputs, "made")));
            }

            AnsiConsole.Write(down);
            return 0;
        });
        return command;
    }

    private static string Describe(LineageStep step, IReadOnlyList<LineageEdge> edges, string verb) =>
        $"{new string(' ', (step.Depth - 1) * 2)}[{step.Depth}] {step.NodeId} (execution {step.ExecutionId.ToString(CultureInfo.InvariantCulture)}, run {step.RunId}, {step.State})" +
        (edges.Count == 0 ? "" : $" {verb} " + string.Join(", ", edges.Select(e => $"{e.Port}=#{e.ArtifactId} {e.Type}")));
}
