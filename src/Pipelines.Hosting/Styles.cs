using Pipelines.Metadata;

namespace Pipelines.Hosting;

/// <summary>Console colours for states.</summary>
internal static class Styles
{
    public static string State(RunState state) => state switch
    {
        RunState.Succeeded => "[green]Succeeded[/]",
        RunState.Failed => "[red]Failed[/]",
        _ => "[yellow]Running[/]",
    };

    public static string State(ExecutionState state) => state switch
    {
        ExecutionState.Complete => "[green]Complete[/]",
        ExecutionState.Cached => "[blue]Cached[/]",
        ExecutionState.Failed => "[red]Failed[/]",
        ExecutionState.Canceled => "[grey]Canceled[/]",
        ExecutionState.Running => "[yellow]Running[/]",
        _ => "New",
    };

    public static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 3)] + "...";
}
