using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Pipelines.Metadata;

namespace Pipelines.Hosting;

/// <summary><c>export-schema</c>: writes the latest inferred schema to <c>schemas/&lt;pipeline&gt;.schema.json</c> for curation.</summary>
internal static class ExportSchemaCommand
{
    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        var runOption = new Option<long?>("--run") { Description = "Take the schema of this run (default: the latest run that produced one)." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing curated schema." };
        var command = new Command("export-schema", "Write the inferred schema to schemas/<pipeline>.schema.json, where SchemaGen will use it instead of inferring.") { runOption, force };
        command.SetAction(async (parse, ct) =>
        {
            var paths = common.Paths(parse);
            await using var store = await CommonOptions.OpenStoreAsync(paths, ct).ConfigureAwait(false);
            await using var db = store.CreateContext();
            var run = parse.GetValue(runOption);
            var query =
                from a in db.Artifacts
                where a.Type!.Name == nameof(Schema) && a.State == ArtifactState.Live
                join e in db.Executions on a.ProducerExecutionId equals e.Id
                join r in db.Contexts on e.RunId equals r.Id
                join p in db.Contexts on r.ParentId equals p.Id
                where p.Name == pipeline.Name && (run == null || e.RunId == run)
                orderby a.Id descending
                select a.Uri;
            var uri = await query.FirstOrDefaultAsync(ct).ConfigureAwait(false)
                ?? throw new HostUsageException($"no schema found for '{pipeline.Name}'{(run is null ? "" : $" in run {run}")}. Run the pipeline first.");
            var target = Path.Combine(paths.SchemaDirectory, $"{pipeline.Name}.schema.json");
            if (File.Exists(target) && !parse.GetValue(force))
            {
                throw new HostUsageException($"{target} exists; pass --force to overwrite it.");
            }

            Directory.CreateDirectory(paths.SchemaDirectory);
            // Marked curated: once the user owns the file, ExampleValidator stops warning that the schema was inferred.
            var schema = await Validation.DataSchema.LoadAsync(Path.Combine(uri, "schema.json"), ct).ConfigureAwait(false);
            await (schema with { Source = Validation.SchemaSource.Curated }).SaveAsync(target, ct).ConfigureAwait(false);
            Console.WriteLine($"Wrote {target}. Edit it (domains, ranges, presence, drift thresholds) and commit it; SchemaGen now uses it.");
            return 0;
        });
        return command;
    }
}
