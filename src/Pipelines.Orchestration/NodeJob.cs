using System.Text;
using System.Text.Json;
using Hangfire;
using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>
/// The Hangfire job that runs one node's execution. It takes an id only, is re-entrant, and trusts the ledger, not Hangfire:
/// a duplicate delivery finds the node claimed or ended and does nothing; outputs are published only by the lease holder.
/// </summary>
public sealed class NodeJob
{
    private readonly PipelineRuntime _runtime;

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
        var snapshot = await ledger.LoadAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return;
        }

        if (snapshot.PipelineName != pipeline.Name || !pipeline.Contains(snapshot.Execution.NodeId))
        {
            await ledger.FailAsync(pipeline, executionId, owner: null,
                $"This worker runs pipeline '{pipeline.Name}', which has no node '{snapshot.Execution.NodeId}' of pipeline '{snapshot.PipelineName}'. " +
                "Start workers from the same pipeline project and version as the run.", cancellationToken).ConfigureAwait(false);
            return;
        }

        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        var claim = await ledger.ClaimAsync(pipeline, executionId, owner, _runtime.Options.Lease, _runtime.Options.MaxAttempts, cancellationToken)
            .ConfigureAwait(false);
        if (claim.Outcome != ClaimOutcome.Claimed)
        {
            return;
        }

        var component = pipeline[snapshot.Execution.NodeId];
        using var lease = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var log = new StringBuilder();
        var heartbeat = HeartbeatAsync(executionId, owner, lease);
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

            _runtime.Log($"{component.Id}: failed: {message}");
            await ledger.FailAsync(pipeline, executionId, owner, message, CancellationToken.None).ConfigureAwait(false);
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

        var binding = component.Bind(new BindingContext(pipeline.Name, parameters, _runtime.SchemaDirectory));
        var external = await binding.ResolveExternalInputsAsync(cancellationToken).ConfigureAwait(false);
        var key = new CacheKey(
            component.GetType().FullName!,
            component.Version,
            binding.OptionsJson,
            inputs.Select(kv => new CacheKeyInput(kv.Key, kv.Value.Select(a => a.ContentHash ?? $"artifact:{a.Id}").ToList())).ToList(),
            external.Files,
            external.Facts);

        var decision = await ledger.DecideAsync(pipeline, component, execution.Id, owner, attempt, key, binding.OptionsJson, inputs,
            useCache: !snapshot.Run.NoCache, cancellationToken).ConfigureAwait(false);
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
            });
        await binding.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);

        var published = new List<PublishedOutput>();
        foreach (var (port, artifact) in decision.PendingOutputs)
        {
            if (!Directory.EnumerateFileSystemEntries(artifact.Uri).Any())
            {
                throw new InvalidOperationException($"Node '{component.Id}' did not write its declared output '{port}' (directory {artifact.Uri} is empty).");
            }

            var (hash, size) = await ArtifactStore.HashDirectoryAsync(artifact.Uri, cancellationToken).ConfigureAwait(false);
            published.Add(new PublishedOutput(artifact.Id, JsonSerializer.Serialize(context.OutputProperties(port)), hash, size));
        }

        string text;
        lock (log)
        {
            text = log.Length > 8000 ? log.ToString(log.Length - 8000, 8000) : log.ToString();
        }

        return await ledger.CompleteAsync(pipeline, execution.Id, owner, published, text, cancellationToken).ConfigureAwait(false)
            ?? throw new LeaseLostException(execution.Id);
    }

    private async Task HeartbeatAsync(long executionId, string owner, CancellationTokenSource lease)
    {
        var period = _runtime.Options.Lease / 3;
        try
        {
            while (!lease.IsCancellationRequested)
            {
                await Task.Delay(period, _runtime.Time, lease.Token).ConfigureAwait(false);
                if (!await _runtime.Ledger.RenewLeaseAsync(executionId, owner, _runtime.Options.Lease, lease.Token).ConfigureAwait(false))
                {
                    await lease.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node ended.
        }
        catch (Exception ex) when (TransientErrors.IsTransient(ex))
        {
            // A missed heartbeat only risks a duplicate start after the lease expires, which the ledger resolves.
        }
    }

}
