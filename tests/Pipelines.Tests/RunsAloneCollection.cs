namespace Pipelines.Tests;

/// <summary>
/// Tests that must not share the process with the parallel ones run alone, after them:
/// <list type="bullet">
/// <item>those that read how this process's memory is mapped (a GC triggered by a test on another thread may decommit and
/// remap, without the advice, the very memory they check);</item>
/// <item>those that wait for a timer to cancel a fit (a cancellation timer's callback needs a thread-pool thread, which other
/// tests' blocking fits can keep busy for minutes on two cores).</item>
/// </list>
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "Runs alone";
}
