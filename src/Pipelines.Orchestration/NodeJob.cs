using System.Text;
using System.Text.Json;
using Hangfire;

namespace Pipelines.Orchestration;

/// <summary>
/// The Hangfire job that runs one node's execution. It takes an id only, is re-entrant, and trusts the ledger, not Hangfire:
/// a duplicate delivery finds the node claimed or ended and does nothing; outputs are published only by the lease holder.
/// </summary>
public sealed class NodeJob
{
    private readonly PipelineRuntime _runtime;

    // The running attempt's pending outputs and executor context: after a validation failure, the outputs it names as
    // diagnostics are published with their properties. A NodeJob instance serves one delivery.
    private IReadOnlyDictionary<string, Artifact> _pending = new Dictionary<string, Artifact>();
    private ExecutorContext? _context;

    /// <summary>Creates the job (Hangfire's activator does, with this process's runtime).</summary>
    public NodeJob(PipelineRuntime runtime) => _runtime = runtime;

    /// <summary>Runs execution <paramref name="executionId"/>.</summary>
    /// <param name="executionId">The execution to run.</param>
    /// <param name="cancellationToken">Hangfire's shutdown token.</param>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("node execution {0}")]
    public async Task ExecuteAsync(long executionId, CancellationToken cancellationToken)
    {
        var pipeline = _runtime.Pipeline;
        var ledger = _runtime.Ledger;
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

        // Claim first: it is one conditional update, and the node's start time is the claim (hop latency ends here).
        var claim = await ledger.ClaimAsync(pipeline, executionId, owner, _runtime.Options.Lease, _runtime.Options.MaxAttempts, cancellationToken)
            .ConfigureAwait(false);
        if (claim.Outcome != ClaimOutcome.Claimed)
        {
            return;
        }

        var snapshot = await ledger.LoadAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return;
        }

        if (snapshot.PipelineName != pipeline.Name || !pipeline.Contains(snapshot.Execution.NodeId))
        {
            await ledger.FailAsync(pipeline, executionId, owner,
                $"This worker runs pipeline '{pipeline.Name}', which has no node '{snapshot.Execution.NodeId}' of pipeline '{snapshot.PipelineName}'. " +
                "Start workers from the same pipeline project and version as the run.", cancellationToken).ConfigureAwait(false);
            return;
        }

        var component = pipeline[snapshot.Execution.NodeId];
        // Memory the GC decommitted since the last node lost the advice (TransparentHugePages): renew it before this node allocates.
        TransparentHugePages.AdviseGcHeap(out _);
        using var lease = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var log = new StringBuilder();
        var heartbeat = LeaseHeartbeat.RunAsync(
            ct => _runtime.Ledger.RenewLeaseAsync(executionId, owner, _runtime.Options.Lease, ct), _runtime, lease, $"execution {executionId}");
        try
        {
            var toEnqueue = await RunAsync(snapshot, component, owner, claim.Attempt, log, lease.Token).ConfigureAwait(false);
            if (toEnqueue is not null)
            {
                await _runtime.EnqueueAsync(toEnqueue, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (LeaseLostException)
        {
            // Another delivery owns the node now; it publishes, we must not.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Worker shutting down: give the node back so another worker (or this one after restart) runs it.
            await ledger.ReleaseAsync(executionId, owner, "worker shut down while running", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException) when (lease.IsCancellationRequested)
        {
            // The lease was lost (the run was canceled, or another worker took over after missed heartbeats): publish nothing.
        }
        catch (Exception ex) when (TransientErrors.IsTransient(ex) && claim.Attempt < _runtime.Options.MaxAttempts)
        {
            var delay = _runtime.Options.RetryDelay * claim.Attempt;
            _runtime.Log($"{component.Id}: transient error on attempt {claim.Attempt}, retrying in {delay.TotalSeconds:0.#} s: {ex.Message}");
            await ledger.ReleaseAsync(executionId, owner, $"attempt {claim.Attempt}: {ex.GetType().Name}: {ex.Message}", CancellationToken.None)
                .ConfigureAwait(false);
            _runtime.ScheduleRetry(executionId, delay);
        }
        catch (Exception ex)
        {
            var message = ex is DataValidationException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            if (TransientErrors.IsTransient(ex))
            {
                message = $"gave up after {claim.Attempt} attempts: {message}";
            }

            var diagnostics = ex is DataValidationException { OutputsToPublish.Count: > 0 } validation
                ? await DiagnosticsAsync(validation).ConfigureAwait(false)
                : null;
            _runtime.Log($"{component.Id}: failed: {message}");
            await ledger.FailAsync(pipeline, executionId, owner, message, CancellationToken.None, diagnostics).ConfigureAwait(false);
        }
        finally
        {
            await lease.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<long>?> RunAsync(
        NodeSnapshot snapshot, Component component, string owner, int attempt, StringBuilder log, CancellationToken cancellationToken)
    {
        var pipeline = _runtime.Pipeline;
        var ledger = _runtime.Ledger;
        var execution = snapshot.Execution;
        var parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(snapshot.Run.ParametersJson ?? "{}") ?? [];

        var inputs = await ledger.ResolveWiredInputsAsync(component, execution.RunId, cancellationToken).ConfigureAwait(false);
        foreach (var port in component.ResolvedInputPorts)
        {
            var resolved = await port.Resolver.ResolveAsync(
                new InputResolutionContext(pipeline.Name, component.Id, execution.RunId, inputs, ledger.Query()), cancellationToken).ConfigureAwait(false);
            inputs[port.Name] = resolved;
        }

        foreach (var artifact in inputs.Values.SelectMany(a => a))
        {
            _runtime.Artifacts.Resolve(artifact.Uri); // never read outside the artifact root, whatever the database says
        }

        var binding = component.Bind(new BindingContext(pipeline.Name, parameters, _runtime.SchemaDirectory));
        var external = await binding.ResolveExternalInputsAsync(cancellationToken).ConfigureAwait(false);
        var key = new CacheKey(
            component.GetType().FullName!,
            component.Version,
            binding.OptionsJson,
            inputs.Select(kv => new CacheKeyInput(kv.Key, kv.Value.Select(a => a.ContentHash ?? $"artifact:{a.Id}").ToList())).ToList(),
            external.Files,
            external.Facts,
            CacheKey.CodeIdentityOf(component.GetType()));

        var cacheDisabled = snapshot.Run.NoCache ? "the cache is disabled for this run (--no-cache)"
            : !component.EnableCache ? $"caching is disabled for node '{component.Id}' (EnableCache = false)"
            : null;
        var decision = await ledger.DecideAsync(pipeline, component, execution.Id, owner, attempt, key, binding.OptionsJson, inputs,
            cacheDisabled, cancellationToken).ConfigureAwait(false);
        _runtime.Log($"{component.Id}: {decision.Explanation}");
        if (decision.Hit)
        {
            return decision.ToEnqueue;
        }

        foreach (var output in decision.PendingOutputs.Values)
        {
            _runtime.Artifacts.PrepareDirectory(output.Uri);
        }

        var context = new ExecutorContext(pipeline.Name, component.Id, execution.RunId, execution.Id, inputs, decision.PendingOutputs,
            external, _runtime.Time, line =>
            {
                lock (log)
                {
                    log.AppendLine(line);
                }

                _runtime.Log($"{component.Id}: {line}");
            },
            new OrchestratedSubtaskRunner(_runtime, execution.Id, component.Id));
        _pending = decision.PendingOutputs;
        _context = context;
        await binding.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);

        var published = new List<PublishedOutput>();
        foreach (var (port, artifact) in decision.PendingOutputs)
        {
            if (!Directory.EnumerateFileSystemEntries(artifact.Uri).Any())
            {
                throw new InvalidOperationException($"Node '{component.Id}' did not write its declared output '{port}' (directory {artifact.Uri} is empty).");
            }

            published.Add(await PublishedAsync(port, artifact, context, cancellationToken).ConfigureAwait(false));
        }

        return await ledger.CompleteAsync(pipeline, execution.RunId, execution.NodeId, execution.Id, owner, published, Tail(log), cancellationToken)
            .ConfigureAwait(false)
            ?? throw new LeaseLostException(execution.Id);
    }

    private async Task<IReadOnlyList<PublishedOutput>?> DiagnosticsAsync(DataValidationException validation)
    {
        if (_context is null)
        {
            return null;
        }

        var result = new List<PublishedOutput>();
        foreach (var port in validation.OutputsToPublish)
        {
            if (_pending.TryGetValue(port, out var artifact) && Directory.Exists(artifact.Uri) && Directory.EnumerateFileSystemEntries(artifact.Uri).Any())
            {
                result.Add(await PublishedAsync(port, artifact, _context, CancellationToken.None).ConfigureAwait(false));
            }
        }

        return result;
    }

    private static async Task<PublishedOutput> PublishedAsync(string port, Artifact artifact, ExecutorContext context, CancellationToken ct)
    {
        var (hash, size) = await ArtifactStore.HashDirectoryAsync(artifact.Uri, ct).ConfigureAwait(false);
        return new PublishedOutput(artifact.Id, port, JsonSerializer.Serialize(context.OutputProperties(port)), hash, size, artifact.GetType().Name);
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            return log.Length > 8000 ? log.ToString(log.Length - 8000, 8000) : log.ToString();
        }
    }
}
