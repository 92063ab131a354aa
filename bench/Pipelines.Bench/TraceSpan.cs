namespace Pipelines.Bench;

/// <summary>One timed database operation seen by <see cref="HopTracer"/>.</summary>
/// <param name="Source">"ef" (metadata store, through EF Core) or "hangfire" (Hangfire.PostgreSql, through Npgsql).</param>
/// <param name="Group">The EF Core context lease the operation ran on (one ledger call = one group); null for Hangfire.</param>
/// <param name="Start">UTC start, the same clock as the metadata store's StartedAt/EndedAt.</param>
/// <param name="End">UTC end.</param>
/// <param name="Text">The SQL, or OPEN / BEGIN / COMMIT.</param>
/// <param name="ExecutionId">The value of an <c>executionId</c> parameter of the command, when it has one.</param>
public sealed record TraceSpan(string Source, string? Group, DateTime Start, DateTime End, string Text, long? ExecutionId)
{
    public double Milliseconds => (End - Start).TotalMilliseconds;
}
