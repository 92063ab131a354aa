namespace Pipelines.Tests;

/// <summary>
/// Tests that must not share the process with the parallel ones run alone, after them:
/// <list type="bullet">
/// <item>those that read how this process's memory is mapped (a GC triggered by a test on another thread may decommit and
/// remap, without the advice, the very memory they check);</item>
/// <item>those that wait for a timer to cancel a fit, so that the parallel tests' blocking fits do not compete with the
/// timer's callback for thread-pool threads (a suspicion, not a proven cause: FastTree's budget test still failed alone in a
/// clean-clone CI run, see TrialHandlerTests).</item>
/// </list>
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "Runs alone";
}
