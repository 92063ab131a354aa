namespace Pipelines.Tests;

/// <summary>
/// Tests that must not share the process with the parallel ones run alone, after them:
/// <list type="bullet">
/// <item>those that read how this process's memory is mapped (a GC triggered by a test on another thread may decommit and
/// remap, without the advice, the very memory they check);</item>
/// <item>those that wait for a deadline to cancel a fit within seconds (TrialHandlerTests), so that the parallel tests' load
/// does not stretch them. Their FastTree case failed in CI for another reason, found 2026-12-02: the deadline was a
/// thread-pool timer, which the fit itself kept from running (TrialDeadline).</item>
/// </list>
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "Runs alone";
}
