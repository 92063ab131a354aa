using System.Text;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Runs <see cref="ExampleValidator"/>: validates, writes <c>anomalies.json</c>, then fails on errors when asked to.</summary>
public sealed class ExampleValidatorExecutor : IExecutor<ExampleValidatorOptions>
{
    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, ExampleValidatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var statisticsArtifact = context.Input<ExampleStatistics>(ExampleValidator.StatisticsPort);
        var output = context.Output<ExampleAnomalies>(ExampleValidator.AnomaliesPort);
        var statistics = await DatasetStatistics.LoadAsync(statisticsArtifact, cancellationToken).ConfigureAwait(false);
        var schema = await DataSchema.LoadAsync(context.Input<Schema>(ExampleValidator.SchemaPort), cancellationToken).ConfigureAwait(false);
        var baselineArtifact = context.OptionalInput<ExampleStatistics>(ExampleValidator.BaselineStatisticsPort);
        var baseline = baselineArtifact is null
            ? null
            : await DatasetStatistics.LoadAsync(baselineArtifact, cancellationToken).ConfigureAwait(false);

        var servingArtifact = context.OptionalInput<ExampleStatistics>(ExampleValidator.ServingStatisticsPort);
        var serving = servingArtifact is null
            ? null
            : await DatasetStatistics.LoadAsync(servingArtifact, cancellationToken).ConfigureAwait(false);

        var schemaFile = $"schemas/{context.PipelineName}.schema.json";
        var report = StatisticsValidator.Validate(statistics, schema, baseline, schemaFile, serving);
        if (servingArtifact is not null)
        {
            context.Log($"Compared the training data with the served requests' statistics (artifact {servingArtifact.Id}) for training/serving skew.");
        }


        // The report and its properties are complete before failing: a failure publishes the anomalies output with the Failed
        // execution (DataValidationException.OutputsToPublish), so the table and the warnings can be read either way.
        await report.SaveAsync(output.FilePath, cancellationToken).ConfigureAwait(false);
        context.SetOutputProperty(ExampleValidator.AnomaliesPort, "errors", report.ErrorCount);
        context.SetOutputProperty(ExampleValidator.AnomaliesPort, "warnings", report.WarningCount);
        context.SetOutputProperty(ExampleValidator.AnomaliesPort, PreviousSpanStatisticsResolver.BlessedProperty, report.HasErrors ? 0 : 1);
        context.SetOutputProperty(ExampleValidator.AnomaliesPort, PreviousSpanStatisticsResolver.StatisticsIdProperty, statisticsArtifact.Id);
        context.SetOutputProperty(ExampleValidator.AnomaliesPort, SplitNamesProperty.Name,
            SplitNamesProperty.Format(statistics.Splits.Select(s => s.Name)));
        if (statistics.Span is { } span)
        {
            context.SetOutputProperty(ExampleValidator.AnomaliesPort, "span", span);
        }

        context.Log(baseline is null
            ? $"{report.ErrorCount} error(s), {report.WarningCount} warning(s); no baseline statistics, so drift and size changes were not checked."
            : $"{report.ErrorCount} error(s), {report.WarningCount} warning(s); baseline statistics artifact {baselineArtifact!.Id}{(baseline.Span is { } b ? $" (span {b})" : "")}.");
        foreach (var warning in report.Anomalies.Where(a => a.Severity == AnomalySeverity.Warning))
        {
            context.Log(warning.ToString());
        }

        if (report.HasErrors && options.FailOnErrors)
        {
            throw new DataValidationException(FailureMessage(context.NodeId, report, output.FilePath, schemaFile))
            {
                OutputsToPublish = [ExampleValidator.AnomaliesPort],
            };
        }
    }

    /// <summary>The failure message: a header, one line per error (split, column, message), and how to proceed.</summary>
    internal static string FailureMessage(string nodeId, AnomalyReport report, string reportPath, string schemaFile)
    {
        var text = new StringBuilder();
        text.Append($"ExampleValidator '{nodeId}' found {report.ErrorCount} data error(s)");
        if (report.Span is { } span)
        {
            text.Append($" in span {span}");
        }

        text.AppendLine($" (full report: {reportPath}):");
        foreach (var e in report.Errors)
        {
            text.Append(e.Split == Anomaly.DatasetSplit ? "  dataset" : $"  split '{e.Split}'");
            if (e.Column is not null)
            {
                text.Append($", column '{e.Column}'");
            }

            text.AppendLine($": {e.Message}");
        }

        if (report.WarningCount > 0)
        {
            text.AppendLine($"  (and {report.WarningCount} warning(s), in the report)");
        }

        text.Append($"Fix the data or curate the schema ({schemaFile}); to record anomalies without failing, set ExampleValidatorOptions.FailOnErrors = false.");
        return text.ToString();
    }
}
