using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Pipelines.Metadata;

namespace Pipelines.Bench;

/// <summary>
/// Explains hop latency without touching src/: listens to EF Core's DiagnosticListener (every metadata-store command,
/// connection open, BEGIN and COMMIT, with the context lease it ran on) and to Npgsql's ActivitySource (Hangfire.PostgreSql's
/// commands), then cuts each hop (node end → next node start) into segments on the same UTC clock as StartedAt/EndedAt.
/// </summary>
public sealed class HopTracer : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly ConcurrentQueue<TraceSpan> _spans = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ActivityListener _npgsql;
    private readonly List<Hop> _hops = [];
    private readonly IDisposable _allListeners;
    private readonly ConcurrentDictionary<string, int> _compilations = new();
    private int _runs;

    public HopTracer()
    {
        _npgsql = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Npgsql", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnActivityStopped,
        };
        ActivitySource.AddActivityListener(_npgsql);
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>The segments of one hop, in milliseconds; they add up to the hop.</summary>
    public static readonly string[] Segments =
    [
        "complete tx after EndedAt",
        "Hangfire create job",
        "worker wake-up + Hangfire fetch/Processing + activation",
        "load execution (3 reads) + write gate wait",
        "claim tx until StartedAt",
    ];

    /// <summary>Cuts the hops of one finished run into segments.</summary>
    public void AddRun(IReadOnlyList<ExecutionRecord> executions)
    {
        Interlocked.Increment(ref _runs);
        var groups = BuildGroups();
        for (var i = 1; i < executions.Count; i++)
        {
            var previous = executions[i - 1];
            var next = executions[i];
            var ended = previous.EndedAt!.Value;
            var started = next.StartedAt!.Value;
            var complete = groups.FirstOrDefault(g => g.ExecutionId == previous.Id && g.Kind == GroupKind.Complete);
            var setJobId = groups.FirstOrDefault(g => g.ExecutionId == next.Id && g.Kind == GroupKind.SetJobId);
            var load = groups.FirstOrDefault(g => g.ExecutionId == next.Id && g.Kind == GroupKind.Load);
            var claim = groups.FirstOrDefault(g => g.ExecutionId == next.Id && g.Kind == GroupKind.Claim);
            if (complete is null || setJobId is null || load is null || claim is null)
            {
                continue;
            }

            var hangfire = _spans.Where(s => s.Source == "hangfire" && s.Start >= complete.End && s.End <= started).OrderBy(s => s.Start).ToList();
            _hops.Add(new Hop(
                previous.NodeId + "→" + next.NodeId,
                (started - ended).TotalMilliseconds,
                [
                    (complete.End - ended).TotalMilliseconds,
                    (setJobId.Start - complete.End).TotalMilliseconds,
                    (load.Start - setJobId.Start).TotalMilliseconds,
                    (claim.Start - load.Start).TotalMilliseconds,
                    (started - claim.Start).TotalMilliseconds,
                ],
                setJobId.Milliseconds,
                complete,
                setJobId,
                load,
                claim,
                hangfire,
                ended,
                started));
        }

        _spans.Clear();
    }

    /// <summary>Prints the median and p95 of each segment and the timeline of the median hop.</summary>
    public void Print(string label)
    {
        if (_hops.Count == 0)
        {
            Console.WriteLine($"(trace {label}: no hop could be matched to its database operations)");
            return;
        }

        var rows = new List<BenchResult>();
        for (var s = 0; s < Segments.Length; s++)
        {
            var values = _hops.Select(h => h.Segments[s]).Order().ToList();
            rows.Add(new BenchResult(Segments[s], new() { ["median ms"] = Median(values), ["p95 ms"] = P95(values) }));
        }

        var setJob = _hops.Select(h => h.SetJobIdMilliseconds).Order().ToList();
        rows.Add(new BenchResult("(overlapping) SetJobIdAsync tx on the completing worker", new() { ["median ms"] = Median(setJob), ["p95 ms"] = P95(setJob) }));
        var completeTx = _hops.Select(h => h.Complete.Milliseconds).Order().ToList();
        rows.Add(new BenchResult("(context) whole CompleteAsync tx", new() { ["median ms"] = Median(completeTx), ["p95 ms"] = P95(completeTx) }));
        var claimTx = _hops.Select(h => h.Claim.Milliseconds).Order().ToList();
        rows.Add(new BenchResult("(context) whole ClaimAsync tx", new() { ["median ms"] = Median(claimTx), ["p95 ms"] = P95(claimTx) }));
        var hops = _hops.Select(h => h.Total).Order().ToList();
        rows.Add(new BenchResult("hop (StartedAt − EndedAt)", new() { ["median ms"] = Median(hops), ["p95 ms"] = P95(hops) }));
        Table.Print($"Where a hop's time goes: {label} ({_hops.Count} hops)", rows);

        var compiled = _compilations.Sum(c => c.Value);
        Console.WriteLine($"EF Core query compilations (query-cache misses) after the first timed run: {compiled}");
        foreach (var (expression, count) in _compilations.OrderByDescending(c => c.Value).Take(8))
        {
            Console.WriteLine($"  {count,5} × {expression}");
        }

        var median = _hops.OrderBy(h => h.Total).ElementAt(_hops.Count / 2);
        Console.WriteLine();
        Console.WriteLine($"Timeline of the median hop {median.Name} ({median.Total:0.00} ms), ms relative to EndedAt:");
        var events = new List<(DateTime At, string What)>
        {
            (median.Ended, "EndedAt of the finishing node (taken at the start of CompleteAsync's work)"),
            (median.Started, "StartedAt of the next node (taken inside ClaimAsync)"),
        };
        foreach (var (name, group) in new[] { ("CompleteAsync", median.Complete), ("SetJobIdAsync", median.SetJobId), ("LoadAsync", median.Load), ("ClaimAsync", median.Claim) })
        {
            foreach (var span in group.Spans)
            {
                events.Add((span.Start, $"{name}: {Shorten(span.Text)} ({span.Milliseconds:0.000} ms)"));
            }
        }

        foreach (var span in median.Hangfire)
        {
            events.Add((span.Start, $"Hangfire: {Shorten(span.Text)} ({span.Milliseconds:0.000} ms)"));
        }

        foreach (var (at, what) in events.OrderBy(e => e.At))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(at - median.Ended).TotalMilliseconds,8:0.000}  {what}"));
        }
    }

    public void Dispose()
    {
        _allListeners.Dispose();
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _npgsql.Dispose();
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        switch (value.Value)
        {
            case CommandExecutedEventData e:
                Add(e.Context, e.StartTime, e.Duration, e.Command.CommandText, ExecutionIdOf(e.Command));
                break;
            case CommandErrorEventData e:
                Add(e.Context, e.StartTime, e.Duration, "FAILED " + e.Command.CommandText, ExecutionIdOf(e.Command));
                break;
            case TransactionEndEventData e when value.Key == RelationalEventId.TransactionStarted.Name:
                Add(e.Context, e.StartTime, e.Duration, "BEGIN", null);
                break;
            case TransactionEndEventData e when value.Key == RelationalEventId.TransactionCommitted.Name:
                Add(e.Context, e.StartTime, e.Duration, "COMMIT", null);
                break;
            case QueryExpressionEventData e when value.Key == CoreEventId.QueryCompilationStarting.Name && Volatile.Read(ref _runs) > 0:
                // A query compiled after the first timed run started is an EF Core query-cache miss on the hot path.
                _compilations.AddOrUpdate(Shorten(e.Expression.ToString()), 1, (_, n) => n + 1);
                break;
            case ConnectionEndEventData e when value.Key == RelationalEventId.ConnectionOpened.Name:
                Add(e.Context, e.StartTime, e.Duration, "OPEN", null);
                break;
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    private static double Median(List<double> sorted) => sorted[sorted.Count / 2];

    private static double P95(List<double> sorted) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.95))];

    private static string Shorten(string sql)
    {
        var oneLine = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 110 ? oneLine : oneLine[..107] + "...";
    }

    private static long? ExecutionIdOf(DbCommand command)
    {
        foreach (DbParameter p in command.Parameters)
        {
            if (p.ParameterName.Contains("executionId", StringComparison.OrdinalIgnoreCase) && p.Value is long id)
            {
                return id;
            }
        }

        return null;
    }

    private void Add(DbContext? context, DateTimeOffset start, TimeSpan duration, string text, long? executionId)
    {
        if (context is null)
        {
            return;
        }

        var begin = start.UtcDateTime;
        _spans.Enqueue(new TraceSpan("ef", context.ContextId.ToString(), begin, begin + duration, text, executionId));
    }

    private void OnActivityStopped(Activity activity)
    {
        var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName;
        // Hangfire.PostgreSql's commands name its schema; the metadata store's are already seen through EF Core.
        if (text.Contains("hangfire", StringComparison.OrdinalIgnoreCase) || text.Contains("NOTIFY", StringComparison.OrdinalIgnoreCase) ||
            text.Contains("LISTEN", StringComparison.OrdinalIgnoreCase))
        {
            _spans.Enqueue(new TraceSpan("hangfire", null, activity.StartTimeUtc, activity.StartTimeUtc + activity.Duration, text, null));
        }
    }

    private List<Group> BuildGroups() =>
        [.. _spans.Where(s => s.Source == "ef").GroupBy(s => s.Group!).Select(g =>
        {
            var spans = g.OrderBy(s => s.Start).ToList();
            return new Group(spans, spans.Select(s => s.ExecutionId).FirstOrDefault(id => id is not null), Classify(spans));
        })];

    private static GroupKind Classify(List<TraceSpan> spans)
    {
        var commands = spans.Where(s => s.Text is not ("OPEN" or "BEGIN" or "COMMIT")).ToList();
        if (commands.Count == 0)
        {
            return GroupKind.Other;
        }

        var inTransaction = spans.Any(s => s.Text == "BEGIN");
        var first = commands[0].Text;
        if (inTransaction && first.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) && first.Contains("\"JobId\"", StringComparison.Ordinal))
        {
            return GroupKind.SetJobId;
        }

        if (inTransaction && first.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) && first.Contains("\"Attempts\"", StringComparison.Ordinal))
        {
            return GroupKind.Claim;
        }

        if (inTransaction && first.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) && first.Contains("\"EndedAt\"", StringComparison.Ordinal) &&
            first.Contains("\"Log\"", StringComparison.Ordinal))
        {
            return GroupKind.Complete;
        }

        if (!inTransaction && first.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && commands.Count == 3)
        {
            return GroupKind.Load;
        }

        return GroupKind.Other;
    }

    private enum GroupKind
    {
        Other,
        Complete,
        SetJobId,
        Load,
        Claim,
    }

    private sealed record Group(List<TraceSpan> Spans, long? ExecutionId, GroupKind Kind)
    {
        public DateTime Start => Spans[0].Start;

        public DateTime End => Spans.Max(s => s.End);

        public double Milliseconds => (End - Start).TotalMilliseconds;
    }

    private sealed record Hop(
        string Name, double Total, double[] Segments, double SetJobIdMilliseconds, Group Complete, Group SetJobId, Group Load, Group Claim,
        List<TraceSpan> Hangfire, DateTime Ended, DateTime Started);
}
