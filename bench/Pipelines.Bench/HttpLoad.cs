using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Pipelines.Bench;

/// <summary>What a load loop measured. Latencies are of successful requests, sorted, in milliseconds.</summary>
public sealed record HttpLoadResult(int Sent, int Succeeded, int Errors, double Seconds, double[] LatenciesMs, double[] PacerLateMs, string? FirstError)
{
    /// <summary>Open loop: p99 of the requests released in the first and in the second half of the window (is the tail spread out, or a burst?).</summary>
    public (double First, double Second) HalvesP99 { get; init; } = (double.NaN, double.NaN);

    /// <summary>Garbage collections in this process during the window (gen 0, 1, 2) and their total pause.</summary>
    public (int Gen0, int Gen1, int Gen2, double PauseMs) Collections { get; init; }

    /// <summary>Successful requests per second over the measured window.</summary>
    public double AchievedRate => Seconds > 0 ? Succeeded / Seconds : 0;

    /// <summary>Nearest-rank percentile (as InfraValidator reports it); NaN without samples.</summary>
    public double Percentile(double p) => Percentiles.Of(LatenciesMs, p);

    public double MaxMs => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[^1];
}

/// <summary>Nearest-rank percentiles of a sorted array.</summary>
public static class Percentiles
{
    public static double Of(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>
/// HTTP load against the model server on loopback: <see cref="HttpClient"/> over one <see cref="SocketsHttpHandler"/> (HTTP/1.1,
/// keep-alive, up to one connection per sender), each request <c>POST /v1/models/{name}:predict</c> with one instance.
/// </summary>
public sealed class HttpLoad : IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _http;
    private readonly string _path;
    private readonly IReadOnlyList<byte[]> _bodies;

    public HttpLoad(string baseUrl, string modelName, IReadOnlyList<byte[]> bodies, int maxConnections)
    {
        _handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        _http = new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };
        _path = $"/v1/models/{modelName}:predict";
        _bodies = bodies;
    }

    /// <summary>
    /// Open loop: a pacer thread releases request i at <c>start + i / rate</c> (sleeping in 1 ms steps, so it is at most ≈ 1 ms
    /// late, and releases every due request at once when it is) into a queue that <paramref name="senders"/> concurrent senders
    /// drain. A request's latency runs from its release to the end of its response body, so time spent queued behind busy senders
    /// (coordinated omission) is counted; the pacer's own lateness is reported separately. Bounded: at most
    /// <paramref name="senders"/> requests are in flight.
    /// </summary>
    public async Task<HttpLoadResult> OpenLoopAsync(int rate, TimeSpan duration, int senders)
    {
        var total = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));
        var channel = System.Threading.Channels.Channel.CreateUnbounded<(int Index, long Released)>(new System.Threading.Channels.UnboundedChannelOptions { SingleWriter = true });
        var latencies = new double[total];
        Array.Fill(latencies, double.NaN);
        var late = new double[total];
        var errors = 0;
        string? firstError = null;
        var ticksPerRequest = Stopwatch.Frequency / (double)rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        long lastDone = start;
        var pacer = new Thread(() =>
        {
            for (var i = 0; i < total; i++)
            {
                var due = start + (long)(i * ticksPerRequest);
                while (Stopwatch.GetTimestamp() < due)
                {
                    Thread.Sleep(1);
                }

                var now = Stopwatch.GetTimestamp();
                late[i] = Stopwatch.GetElapsedTime(due, now).TotalMilliseconds;
                channel.Writer.TryWrite((i, now));
            }

            channel.Writer.Complete();
        })
        { IsBackground = true, Name = "bench pacer", Priority = ThreadPriority.AboveNormal };

        var workers = Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            await foreach (var (i, released) in channel.Reader.ReadAllAsync())
            {
                var error = await SendAsync(_bodies[i % _bodies.Count]);
                var done = Stopwatch.GetTimestamp();
                InterlockedMax(ref lastDone, done);
                if (error is null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(released, done).TotalMilliseconds;
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        })).ToArray();
        var gc = GcSnapshot.Take();
        pacer.Start();
        await Task.WhenAll(workers);
        pacer.Join();
        var collections = gc.Since();
        var ok = latencies.Where(l => !double.IsNaN(l)).Order().ToArray();
        double HalfP99(IEnumerable<double> half) => Percentiles.Of([.. half.Where(l => !double.IsNaN(l)).Order()], 0.99);
        return new HttpLoadResult(total, ok.Length, errors, Stopwatch.GetElapsedTime(start, lastDone).TotalSeconds, ok, [.. late.Order()], firstError)
        {
            HalvesP99 = (HalfP99(latencies.Take(total / 2)), HalfP99(latencies.Skip(total / 2))),
            Collections = collections,
        };
    }

    /// <summary>Closed loop: <paramref name="senders"/> senders each send the next request as soon as the previous answered.</summary>
    public async Task<HttpLoadResult> ClosedLoopAsync(TimeSpan duration, int senders)
    {
        var errors = 0;
        string? firstError = null;
        var perSender = new List<double>[senders];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long lastDone = start;
        var workers = Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            var mine = perSender[s] = new List<double>(4096);
            for (var i = s; Stopwatch.GetTimestamp() < end; i += senders)
            {
                var sent = Stopwatch.GetTimestamp();
                var error = await SendAsync(_bodies[i % _bodies.Count]);
                var done = Stopwatch.GetTimestamp();
                InterlockedMax(ref lastDone, done);
                if (error is null)
                {
                    mine.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var ok = perSender.SelectMany(l => l).Order().ToArray();
        return new HttpLoadResult(ok.Length + errors, ok.Length, errors, Stopwatch.GetElapsedTime(start, lastDone).TotalSeconds, ok, [], firstError);
    }

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }

    /// <summary>One request; null when it answered 200 with predictions, else what went wrong.</summary>
    private async Task<string?> SendAsync(byte[] body)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, _path) { Content = content, Version = HttpVersion.Version11 };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = System.Text.Encoding.UTF8.GetString(bytes);
                return $"HTTP {(int)response.StatusCode}: {(text.Length > 300 ? text[..300] : text)}";
            }

            return bytes.AsSpan().IndexOf("\"predictions\""u8) >= 0 ? null : "200 without \"predictions\"";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private readonly record struct GcSnapshot(int Gen0, int Gen1, int Gen2, TimeSpan Pause)
    {
        public static GcSnapshot Take() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public (int Gen0, int Gen1, int Gen2, double PauseMs) Since()
        {
            var now = Take();
            return (now.Gen0 - Gen0, now.Gen1 - Gen1, now.Gen2 - Gen2, (now.Pause - Pause).TotalMilliseconds);
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
