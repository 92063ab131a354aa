using System.CommandLine;
using Pipelines.Serving;

namespace Pipelines.Hosting;

/// <summary>
/// <c>serve</c>: the model server (see <see cref="ModelServer"/>) over the pipeline's push destination, verified against the
/// metadata store; new versions are picked up while serving. Prints <c>ready: &lt;url&gt;</c> once listening (InfraValidator
/// waits for that line). With <c>--model-dir</c>, serves one model directory that is checked against <c>--sha256</c> instead
/// (InfraValidator's candidate, not pushed yet).
/// </summary>
internal static class ServeCommand
{
    /// <summary>The environment variable holding the API key.</summary>
    public const string ApiKeyVariable = "PIPELINES_API_KEY";

    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        var models = new Option<string?>("--models") { Description = "Push destination to serve from. Default: the pipeline's Pusher destination." };
        var names = new Option<string[]>("--model") { Description = "Serve only this model name (repeatable). Default: every model under the destination." };
        var urls = new Option<string[]>("--urls") { Description = $"Addresses to listen on. Default: {ServingOptions.DefaultUrl} (loopback). Others require an API key." };
        var apiKeyFile = new Option<string?>("--api-key-file") { Description = $"File holding the API key clients must send (or set ${ApiKeyVariable})." };
        var maxInstances = new Option<int?>("--max-instances") { Description = "Most instances per request (default 1000)." };
        var maxBody = new Option<long?>("--max-body-bytes") { Description = "Largest request body (default 4 MiB)." };
        var poll = new Option<double?>("--poll-seconds") { Description = "How often to look for newly pushed versions (default 1)." };
        var logRequests = new Option<bool>("--log-requests") { Description = "Append requests and predictions to <artifacts>/serving-logs/<model>/<day>.jsonl." };
        var modelDir = new Option<string?>("--model-dir") { Description = "Serve this one model directory (with --sha256, --model-artifact, --name) instead of a push destination." };
        var sha256 = new Option<string?>("--sha256") { Description = "With --model-dir: the content hash the metadata store recorded for the model." };
        var artifact = new Option<long?>("--model-artifact") { Description = "With --model-dir: the Model artifact id." };
        var name = new Option<string?>("--name") { Description = "With --model-dir: the name to serve it under." };
        var command = new Command("serve", "Serve pushed models over HTTP (TensorFlow Serving REST: POST /v1/models/<name>:predict), switching to new versions as they are pushed.")
        {
            models, names, urls, apiKeyFile, maxInstances, maxBody, poll, logRequests, modelDir, sha256, artifact, name,
        };
        command.SetAction(async (parse, ct) =>
        {
            var paths = common.Paths(parse);
            var options = new ServingOptions
            {
                Urls = parse.GetValue(urls) is { Length: > 0 } u ? u : [ServingOptions.DefaultUrl],
                ApiKey = ReadApiKey(parse.GetValue(apiKeyFile)),
                MaxInstances = parse.GetValue(maxInstances) ?? 1000,
                MaxBodyBytes = parse.GetValue(maxBody) ?? 4 * 1024 * 1024,
                PollInterval = TimeSpan.FromSeconds(Math.Max(0.05, parse.GetValue(poll) ?? 1)),
                RequestLogDirectory = parse.GetValue(logRequests) ? Path.Combine(paths.ArtifactRoot, "serving-logs") : null,
            };

            Metadata.MetadataStore? store = null;
            IModelSource source;
            if (parse.GetValue(modelDir) is { } dir)
            {
                var hash = parse.GetValue(sha256) ?? throw new HostUsageException("--model-dir needs --sha256 <hash recorded in the metadata store>: the server never loads an unverified model.");
                source = new DirectoryModelSource(parse.GetValue(name) ?? "model", Path.GetFullPath(dir), parse.GetValue(artifact) ?? 0, hash);
            }
            else
            {
                store = await CommonOptions.OpenStoreAsync(paths, ct).ConfigureAwait(false);
                source = new PushDestinationSource(ServingDestination.Resolve(pipeline, parse.GetValue(models)), parse.GetValue(names) ?? [], store);
            }

            try
            {
                ModelServer server;
                try
                {
                    server = await ModelServer.StartAsync(options, source, line => Console.WriteLine(line), TimeProvider.System, ct).ConfigureAwait(false);
                }
                catch (InvalidOperationException e)
                {
                    throw new HostUsageException(e.Message, e);
                }
                catch (IOException e)
                {
                    throw new HostUsageException($"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}", e);
                }

                await using (server)
                {
                    foreach (var model in server.Registry.Models.Values.OrderBy(m => m.Identity.Name, StringComparer.Ordinal))
                    {
                        Console.WriteLine($"  POST {server.Addresses.FirstOrDefault()}/v1/models/{model.Identity.Name}:predict  inputs: {string.Join(", ", model.Columns.Where(c => c.Required).Select(c => $"{c.Name} ({c.KindName})"))}");
                    }

                    Console.WriteLine($"ready: {server.Addresses.FirstOrDefault()}");
                    await server.WaitAsync(ct).ConfigureAwait(false);
                    Console.WriteLine("stopping.");
                }
            }
            finally
            {
                if (store is not null)
                {
                    await store.DisposeAsync().ConfigureAwait(false);
                }
            }

            return 0;
        });
        return command;
    }

    private static string? ReadApiKey(string? file)
    {
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new HostUsageException($"--api-key-file '{file}' does not exist.");
            }

            var key = File.ReadAllText(file).Trim();
            return key.Length >= 16 ? key : throw new HostUsageException($"the API key in '{file}' is shorter than 16 characters; use a long random key.");
        }

        var variable = Environment.GetEnvironmentVariable(ApiKeyVariable);
        return string.IsNullOrWhiteSpace(variable) ? null
            : variable.Trim().Length >= 16 ? variable.Trim()
            : throw new HostUsageException($"${ApiKeyVariable} is shorter than 16 characters; use a long random key.");
    }
}
