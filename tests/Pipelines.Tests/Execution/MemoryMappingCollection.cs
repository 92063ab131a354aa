namespace Pipelines.Tests.Execution;

/// <summary>
/// Tests that read how this process's memory is mapped run alone: a GC triggered by a test on another thread may decommit and
/// remap (without the advice) the very memory they check.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMappingCollection
{
    public const string Name = "Memory mapping";
}
