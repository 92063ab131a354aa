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
    private readonly System.Threading.Channels.Channel<(string Model, byte[] Lines)> _queue =
        System.Threading.Channels.Channel.CreateBounded<(string, byte[])>(
            new System.Threading.Channels.BoundedChannelOptions(10_000) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _writer;
    private long _dropped;

    public PredictionLog(string directory, TimeProvider time)
    {
        _directory = directory;
        _time = time;
        Directory.CreateDirectory(directory);
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Entries dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues the lines of one request: its instances and the predictions written for them.</summary>
    public void Append(string model, int version, JsonElement instances, ReadOnlySpan<byte> predictionsJson)
    {
        var reader = new Utf8JsonReader(predictionsJson);
        using var predictions = JsonDocument.ParseValue(ref reader);
        var servedAt = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            foreach (var (instance, prediction) in instances.EnumerateArray().Zip(predictions.RootElement.EnumerateArray()))
            {
                writer.Reset();
                writer.WriteStartObject();
                foreach (var property in instance.EnumerateObject())
                {
                    property.WriteTo(writer);
                }

                writer.WriteString("_served_at", servedAt);
                writer.WriteNumber("_model_version", version);
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

        if (!_queue.Writer.TryWrite((model, buffer.WrittenSpan.ToArray())))
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
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Drain what is queued and append it per file in one write.
            var batches = new Dictionary<string, List<byte[]>>(StringComparer.Ordinal);
            while (_queue.Reader.TryRead(out var entry))
            {
                if (!batches.TryGetValue(entry.Model, out var list))
                {
                    batches[entry.Model] = list = [];
                }

                list.Add(entry.Lines);
            }

            var day = _time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var (model, lines) in batches)
            {
                var folder = Path.Combine(_directory, model);
                Directory.CreateDirectory(folder);
                await using var file = new FileStream(Path.Combine(folder, day + ".jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read);
                foreach (var line in lines)
                {
                    await file.WriteAsync(line).ConfigureAwait(false);
                }
            }
        }
    }
}
