using Pipelines.Metadata;
using Spectre.Console;

namespace Pipelines.Hosting;

/// <summary>Readable summaries of artifact payloads for <c>show</c>.</summary>
internal static class ArtifactRenderer
{
    public static void Render(string nodeId, ArtifactSummary artifact)
    {
        switch (artifact.Type)
        {
            case nameof(Examples):
                var props = string.Join(", ", artifact.Properties
                    .Where(p => p.Key.StartsWith("row_count", StringComparison.Ordinal) || p.Key is "span" or "version" or "skipped_rows")
                    .Select(p => $"{p.Key}={p.Value}"));
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(nodeId)}[/] examples: {Markup.Escape(props)}");
                break;
        }
    }
}
