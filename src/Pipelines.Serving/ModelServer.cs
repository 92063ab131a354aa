using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipelines.Serving;

/// <summary>
/// The model server: TensorFlow Serving's REST API on Kestrel over a <see cref="ModelRegistry"/>.
/// <list type="bullet">
/// <item><c>POST /v1/models/{name}:predict</c> with <c>{"instances": [{column: value, ...}, ...]}</c> →
/// <c>{"model_version": "3", "predictions": [{"label": ..., "score"|"scores": ..., "probability": ...}, ...]}</c>.</item>
/// <item><c>GET /v1/models/{name}</c> → the served version and its state (TF Serving's <c>model_version_status</c>), the model
/// artifact and hash, the input columns, and versions refused with the reason.</item>
/// <item><c>GET /healthz</c> → 200 when every model is loaded, 503 before.</item>
/// </list>
/// Every bad request is a 400 (401 without the API key, 404 for an unknown model) with <c>{"error": "..."}</c>; nothing a client
/// sends can stop the server.
/// </summary>
public sealed class ModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly PredictionLog? _requestLog;
    private Task _watch = Task.CompletedTask;

    private ModelServer(WebApplication app, ModelRegistry registry, ServingOptions options, PredictionLog? requestLog)
    {
        _app = app;
        Registry = registry;
        Options = options;
        _requestLog = requestLog;
    }

    /// <summary>The served models.</summary>
    public ModelRegistry Registry { get; }

    /// <summary>The options.</summary>
    public ServingOptions Options { get; }

    /// <summary>The addresses actually bound (port 0 resolved).</summary>
    public IReadOnlyList<string> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    /// <summary>
    /// Loads the models (at least one must load), starts listening, and starts watching for new versions.
    /// </summary>
    /// <exception cref="InvalidOperationException">A non-loopback address without an API key, or no model could be loaded.</exception>
    public static async Task<ModelServer> StartAsync(ServingOptions options, IModelSource source, Action<string> log, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        var exposed = options.Urls.Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count > 0 && string.IsNullOrEmpty(options.ApiKey))
        {
            throw new InvalidOperationException(
                $"Listening on {string.Join(", ", exposed)} exposes the models beyond this machine: set an API key (environment variable PIPELINES_API_KEY, or --api-key-file), or listen on loopback (127.0.0.1).");
        }

        var registry = new ModelRegistry(source, log, time);
        await registry.RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (registry.Models.Count == 0)
        {
            var names = source.ModelNames();
            var reasons = names.SelectMany(n => registry.Refused(n).Select(r => $"{n} version {r.Version}: {r.Reason}")).ToList();
            throw new InvalidOperationException(names.Count == 0
                ? $"No pushed model under {source.Describe()}: run a pipeline whose Pusher pushes there first."
                : $"No model version could be loaded from {source.Describe()}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", reasons)}");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);

        // A failed start (port in use) is reported once, by our caller, with the address and the fix; not as a host stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;

            // The body limit is enforced by the predict handler, so that an oversized body is a 400 with a reason.
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var requestLog = options.RequestLogDirectory is { } dir ? new PredictionLog(dir, time, log) : null;
        var handler = new PredictHandler(registry, options, requestLog);
        app.Use(async (context, next) =>
        {
            if (options.ApiKey is { Length: > 0 } key && context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) && !Authorized(context.Request, key))
            {
                await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "missing or wrong API key: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.").ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapGet("/healthz", (HttpContext context) => Health(context, registry));
        app.MapGet("/v1/models/{name}", (HttpContext context, string name) => StatusAsync(context, registry, name));
        app.MapPost("/v1/models/{nameAndVerb}", handler.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var server = new ModelServer(app, registry, options, requestLog);
        var bound = server.Addresses.Where(a => !IsLoopback(a)).ToList();
        if (bound.Count > 0 && string.IsNullOrEmpty(options.ApiKey))
        {
            // Configuration (Kestrel endpoints from the environment) can override the URLs checked above: check what is bound.
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"The server ended up listening on {string.Join(", ", bound)} (Kestrel configuration overrides --urls), which exposes the models beyond this machine: set an API key, or remove that configuration.");
        }

        server._watch = registry.WatchAsync(options.PollInterval, server._stopping.Token);
        return server;
    }

    /// <summary>Waits until the server is stopped (Ctrl+C, SIGTERM, or <paramref name="cancellationToken"/>).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        // The web host handles Ctrl+C and SIGTERM itself (it stops the application), so wait for that too.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_requestLog is not null)
        {
            await _requestLog.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <summary>
    /// True only for <c>localhost</c> and loopback IP addresses: Kestrel binds every other host name (even one that resolves
    /// to loopback, like <c>loopback</c>) to all interfaces.
    /// </summary>
    internal static bool IsLoopback(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || !Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out _))
        {
            return false;
        }

        // The host as written: Uri canonicalizes "loopback" to "localhost", which is exactly the case to refuse.
        var authority = url[(scheme + 3)..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        authority = end >= 0 ? authority[..end] : authority;
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        string host;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = authority[1..close];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority[..colon] : authority;
        }

        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    internal static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var buffer = new ArrayBufferWriter<byte>(256);
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static bool Authorized(HttpRequest request, string key)
    {
        string? given = request.Headers["X-Api-Key"];
        var authorization = request.Headers.Authorization.ToString();
        if (given is null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            given = authorization["Bearer ".Length..].Trim();
        }

        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key));
    }

    private static IResult Health(HttpContext context, ModelRegistry registry)
    {
        // Healthy while it serves: one model that cannot load (a bad push of another name) must not take the others down
        // behind a load balancer. Names without a loaded version are listed.
        var models = registry.Models;
        var notLoaded = registry.Source.ModelNames().Where(n => !models.ContainsKey(n)).ToList();
        var body = new Dictionary<string, object>
        {
            ["status"] = models.Count > 0 ? "ok" : "no model loaded",
            ["models"] = models.Values.ToDictionary(m => m.Identity.Name, m => m.Identity.Version),
            ["not_loaded"] = notLoaded,
        };
        return Results.Json(body, statusCode: models.Count > 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task StatusAsync(HttpContext context, ModelRegistry registry, string name)
    {
        var model = registry.Get(name);
        if (model is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, UnknownModel(registry, name)).ConfigureAwait(false);
            return;
        }

        var id = model.Identity;
        var body = new
        {
            model_version_status = new[]
            {
                new { version = id.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), state = "AVAILABLE", status = new { error_code = "OK", error_message = "" } },
            },
            model_artifact_id = id.ArtifactId,
            sha256 = id.ContentHash,
            inputs = model.Columns.Select(c => new { name = c.Name, kind = c.KindName, required = c.Required }),
            classes = model.ClassNames,
            scoring = model.Scoring,
            refused_versions = registry.Refused(name).Select(r => new { version = r.Version, reason = r.Reason }),
        };
        await context.Response.WriteAsJsonAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    internal static string UnknownModel(ModelRegistry registry, string name) =>
        $"no model named '{name}' is served here. Served: {string.Join(", ", registry.Models.Keys.Order(StringComparer.Ordinal))}.";
}
