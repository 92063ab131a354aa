using System.CommandLine;
using Pipelines.Hosting;

namespace Pipelines;

/// <summary>
/// The command line every pipeline project gets: <c>run</c>, <c>runs</c>, <c>show</c>, <c>lineage</c>, <c>worker</c>,
/// <c>export-schema</c>, <c>serve</c>, <c>models</c>, <c>rollback</c>. A pipeline's <c>Program.cs</c> ends with <c>return await PipelineHost.RunAsync(pipeline, args);</c>.
/// Exit codes: 0 success, 1 a run failed, 2 bad usage or configuration.
/// </summary>
public static class PipelineHost
{
    /// <summary>Parses <paramref name="args"/> and runs the verb.</summary>
    public static async Task<int> RunAsync(Pipeline pipeline, string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var common = new CommonOptions();
        var root = new RootCommand($"Pipeline '{pipeline.Name}': {string.Join(" -> ", pipeline.Components.Select(c => c.Id))}");
        common.AddTo(root);
        root.Subcommands.Add(RunCommand.Create(pipeline, common));
        root.Subcommands.Add(RunsCommand.Create(pipeline, common));
        root.Subcommands.Add(ShowCommand.Create(pipeline, common));
        root.Subcommands.Add(LineageCommand.Create(pipeline, common));
        root.Subcommands.Add(WorkerCommand.Create(pipeline, common));
        root.Subcommands.Add(ExportSchemaCommand.Create(pipeline, common));
        root.Subcommands.Add(ServeCommand.Create(pipeline, common));
        root.Subcommands.Add(ModelsCommand.Create(pipeline, common));
        root.Subcommands.Add(RollbackCommand.Create(pipeline, common));
        var parse = root.Parse(args);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (HostUsageException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("canceled.").ConfigureAwait(false);
            return 130;
        }
    }
}
