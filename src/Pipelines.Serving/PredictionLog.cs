using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace Pipelines.Serving;

/// <summary>
/// Appends served requests and their predictions as JSON lines to <c>&lt;directory&gt;/&lt;model&gt;/&lt;yyyy-MM-dd&gt;.jsonl</c>,
/// off the request path (a bounded queue; when it is full, entries are dropped and counted rather than slowing requests).
/// A later pipeline run can read these files as examples to compute serving statistics and training/serving skew.
/// </summary>
internal sealed class PredictionLog : IAsyncDisposable
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly System.Threading.Channels.Channel<(string Model, string Line)> _queue = System.Threading.Channels.Channel.CreateBounded<(string, string)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _writer;
    private long _dropped;

    public PredictionLog(string directory, TimeProvider time)
    {
        _directory = directory;
        _time = time;
        Directory.CreateDirectory(directory);
        _writer = Task.Run(WriteAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one entry: the request's instances and the response's predictions (both raw JSON).</summary>
    public void Append(string model, int version, string instancesJson, string predictionsJson)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{{\"time\":\"{_time.GetUtcNow():O}\",\"model\":\"{model}\",\"version\":{version},\"instances\":{instancesJson},\"predictions\":{predictionsJson}}}");
        if (!_queue.Writer.TryWrite((model, line)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteAsync()
    {
        await foreach (var (model, line) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var folder = Path.Combine(_directory, model);
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, _time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".jsonl");
            await File.AppendAllTextAsync(file, line + "\n", Encoding.UTF8).ConfigureAwait(false);
        }
    }
}
