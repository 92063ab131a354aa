using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Pipelines.Serving;

/// <summary>
/// Appends every served instance with its prediction as one flat JSON line to
/// <c>&lt;directory&gt;/&lt;model&gt;/&lt;yyyy-MM-dd&gt;.jsonl</c>: the instance's own columns, then <c>_served_at</c>,
/// <c>_model_version</c> and the prediction as <c>_predicted_label</c>, <c>_score</c>, <c>_probability</c> or
/// <c>_score_&lt;class&gt;</c>. Flat lines are examples ExampleGen reads as they are (JSON lines), so a later pipeline run can
/// compute serving statistics and compare them with training's. Written off the request path through a bounded queue: when
/// it is full, entries are dropped and counted rather than slowing requests.
/// </summary>
internal sealed class PredictionLog : IAsyncDisposable
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly System.Threading.Channels.Channel<Entry> _queue =
        System.Threading.Channels.Channel.CreateBounded<Entry>(
            new System.Threading.Channels.BoundedChannelOptions(10_000) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _writer;
    private long _dropped;
    private long _reportedDropped;

    public PredictionLog(string directory, TimeProvider time, Action<string> log)
    {
        _directory = directory;
        _time = time;
        _log = log;
        Directory.CreateDirectory(directory);
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Entries dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one request (its instances and the predictions written for them, copied); the lines are built by the
    /// writer, off the request path.</summary>
    public void Append(string model, int version, JsonElement instances, ReadOnlySpan<byte> predictionsJson)
    {
        var entry = new Entry(model, version, _time.GetUtcNow(), instances.GetRawText(), predictionsJson.ToArray());
        if (!_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private static byte[] Lines(Entry entry)
    {
        using var instances = JsonDocument.Parse(entry.Instances);
        using var predictions = JsonDocument.Parse(entry.Predictions);
        var servedAt = entry.At.ToString("O", CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            foreach (var (instance, prediction) in instances.RootElement.EnumerateArray().Zip(predictions.RootElement.EnumerateArray()))
            {
                writer.Reset();
                writer.WriteStartObject();
                foreach (var property in instance.EnumerateObject())
                {
                    property.WriteTo(writer);
                }

                writer.WriteString("_served_at", servedAt);
                writer.WriteNumber("_model_version", entry.Version);
                foreach (var output in prediction.EnumerateObject())
                {
                    if (output.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var score in output.Value.EnumerateObject())
                        {
                            writer.WritePropertyName("_score_" + score.Name);
                            score.Value.WriteTo(writer);
                        }
                    }
                    else
                    {
                        writer.WritePropertyName(output.Name == "label" ? "_predicted_label" : "_" + output.Name);
                        output.Value.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
                writer.Flush();
                buffer.Write("\n"u8);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteAsync()
    {
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Drain what is queued and append it per file (the day it was served) in one write.
            var batches = new Dictionary<(string Model, string Day), List<Entry>>();
            while (_queue.Reader.TryRead(out var entry))
            {
                var key = (entry.Model, entry.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                if (!batches.TryGetValue(key, out var list))
                {
                    batches[key] = list = [];
                }

                list.Add(entry);
            }

            var dropped = Interlocked.Read(ref _dropped);
            if (dropped > _reportedDropped)
            {
                _log($"request log: {dropped - _reportedDropped} request(s) not logged: the queue was full (serving outpaced the disk).");
                _reportedDropped = dropped;
            }

            foreach (var ((model, day), entries) in batches)
            {
                try
                {
                    var folder = Path.Combine(_directory, model);
                    Directory.CreateDirectory(folder);
                    await using var file = new FileStream(Path.Combine(folder, day + ".jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read);
                    foreach (var entry in entries)
                    {
                        await file.WriteAsync(Lines(entry)).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
                {
                    // A full disk or a permission problem loses these entries, never the server or later entries.
                    Interlocked.Add(ref _dropped, entries.Count);
                    _reportedDropped += entries.Count;
                    _log($"request log: {entries.Count} request(s) not written to {_directory}: {e.Message}");
                }
            }
        }
    }

    private sealed record Entry(string Model, int Version, DateTimeOffset At, string Instances, byte[] Predictions);
}
