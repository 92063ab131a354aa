using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Pipelines.Serving;

/// <summary>
/// <c>POST /v1/models/{name}:predict</c>: reads the body within the size limit, parses it, predicts with the model served at
/// the moment the request arrives, and answers 400 with the reason for anything malformed.
/// </summary>
internal sealed class PredictHandler(ModelRegistry registry, ServingOptions options, PredictionLog? requestLog)
{
    private const string PredictSuffix = ":predict";

    public async Task HandleAsync(HttpContext context, string nameAndVerb)
    {
        if (!nameAndVerb.EndsWith(PredictSuffix, StringComparison.Ordinal))
        {
            await ModelServer.WriteErrorAsync(context, StatusCodes.Status404NotFound,
                $"unknown method '{nameAndVerb}': POST /v1/models/<name>:predict with {{\"instances\": [...]}}.").ConfigureAwait(false);
            return;
        }

        var name = nameAndVerb[..^PredictSuffix.Length];

        // Taken once: a version swap during this request does not affect it.
        var model = registry.Get(name);
        if (model is null)
        {
            await ModelServer.WriteErrorAsync(context, StatusCodes.Status404NotFound, ModelServer.UnknownModel(registry, name)).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        var output = new ArrayBufferWriter<byte>(512);
        JsonElement instances;
        try
        {
            using var document = JsonDocument.Parse(body.Value, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("instances", out instances))
            {
                throw new RequestValidationException("the body must be a JSON object {\"instances\": [{\"column\": value, ...}, ...]}.");
            }

            await using (var writer = new Utf8JsonWriter(output))
            {
                writer.WriteStartObject();
                writer.WriteString("model_version", model.Identity.Version.ToString(CultureInfo.InvariantCulture));
                writer.WritePropertyName("predictions");
                var start = writer.BytesPending + writer.BytesCommitted;
                model.Predict(instances, options.MaxInstances, writer);
                writer.WriteEndObject();
                await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                requestLog?.Append(name, model.Identity.Version, instances, output.WrittenSpan[(int)start..^1]);
            }
        }
        catch (JsonException e)
        {
            await ModelServer.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                $"the body is not valid JSON: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (RequestValidationException e)
        {
            await ModelServer.WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = output.WrittenCount;
        await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The body, or null after answering 400 (too large, unreadable).</summary>
    private async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context)
    {
        var limit = options.MaxBodyBytes;
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            await ModelServer.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                $"the body is {declared} bytes, more than the limit of {limit} bytes (serve --max-body-bytes): send fewer instances per request.").ConfigureAwait(false);
            return null;
        }

        // Grown as bytes arrive: a client declaring a large body does not get the memory before sending it.
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(context.Request.ContentLength ?? 4096, Math.Min(limit, 64 * 1024)) + 1);
        var stream = context.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await stream.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                await ModelServer.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                    $"the body is more than the limit of {limit} bytes (serve --max-body-bytes): send fewer instances per request.").ConfigureAwait(false);
                return null;
            }
        }

        if (buffer.WrittenCount == 0)
        {
            await ModelServer.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                "the body is empty: send {\"instances\": [{\"column\": value, ...}, ...]}.").ConfigureAwait(false);
            return null;
        }

        return buffer.WrittenMemory;
    }
}
