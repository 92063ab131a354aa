using System.Collections.Immutable;

namespace Pipelines.Serving;

/// <summary>
/// The models being served, one <see cref="ServedModel"/> per name, and the hot reload: <see cref="RefreshAsync"/> loads the
/// newest verified version newer than the one served and swaps it in with one reference assignment. A request that already
/// took the old model finishes on it; the next one gets the new one; none sees a half-loaded model. A version that fails
/// verification or loading is reported once and retried later; the old version keeps serving.
/// </summary>
public sealed class ModelRegistry
{
    private static readonly TimeSpan s_retryRefused = TimeSpan.FromSeconds(30);

    private readonly IModelSource _source;
    private readonly Action<string> _log;
    private readonly TimeProvider _time;
    private readonly Dictionary<(string Name, int Version), (string Reason, DateTimeOffset At)> _refused = [];
    private readonly HashSet<(string Name, int Version)> _waiting = [];
    private string? _lastRefreshError;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private ImmutableDictionary<string, ServedModel> _models = ImmutableDictionary<string, ServedModel>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Creates the registry.</summary>
    public ModelRegistry(IModelSource source, Action<string> log, TimeProvider time)
    {
        _source = source;
        _log = log;
        _time = time;
    }

    /// <summary>The source, for messages.</summary>
    public IModelSource Source => _source;

    /// <summary>The served models by name (a snapshot).</summary>
    public IReadOnlyDictionary<string, ServedModel> Models => Volatile.Read(ref _models);

    /// <summary>The served model named <paramref name="name"/>, or null.</summary>
    public ServedModel? Get(string name) => Volatile.Read(ref _models).GetValueOrDefault(name);

    /// <summary>Why versions were refused, newest first (for <c>GET /v1/models/{name}</c>).</summary>
    public IReadOnlyList<(int Version, string Reason)> Refused(string name)
    {
        lock (_refused)
        {
            return [.. _refused.Where(r => r.Key.Name == name).OrderByDescending(r => r.Key.Version).Select(r => (r.Key.Version, r.Value.Reason))];
        }
    }

    /// <summary>Loads newer versions where there are any. Returns the number of models swapped in.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var swapped = 0;
            foreach (var name in _source.ModelNames())
            {
                var current = Get(name)?.Identity.Version ?? -1;
                foreach (var version in _source.Versions(name).Where(v => v > current).OrderDescending())
                {
                    if (RecentlyRefused(name, version))
                    {
                        continue;
                    }

                    try
                    {
                        var (directory, identity) = await _source.ResolveAsync(name, version, cancellationToken).ConfigureAwait(false);
                        var model = await ServedModel.LoadAsync(directory, identity, cancellationToken).ConfigureAwait(false);
                        ImmutableInterlocked.Update(ref _models, m => m.SetItem(name, model));
                        _log(current < 0
                            ? $"serving {name} version {version} (model artifact {identity.ArtifactId}, sha256 {identity.ContentHash[..12]})"
                            : $"switched {name} from version {current} to version {version} (model artifact {identity.ArtifactId}, sha256 {identity.ContentHash[..12]})");
                        lock (_refused)
                        {
                            _refused.Remove((name, version));
                        }

                        swapped++;
                        break;
                    }
                    catch (ModelLoadException e)
                    {
                        Refuse(name, version, e.Message);
                    }
                    catch (ModelNotReadyException e)
                    {
                        // Not a refusal: the Pusher renames the folder in before its node commits the log entry. Look again next poll.
                        Waiting(name, version, e.Message);
                    }
                    catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException and not ModelLoadException)
                    {
                        // Anything else about one version (unreadable files, a model that throws on its trial prediction) refuses
                        // that version; it never stops the others or the watch.
                        Refuse(name, version, $"{e.GetType().Name}: {e.Message}");
                    }
                }
            }

            return swapped;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Refreshes every <paramref name="interval"/> until canceled.</summary>
    public async Task WatchAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await RefreshAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // The destination or the store is unavailable: keep serving what is loaded, try again next tick (said once).
                    if (e.Message != _lastRefreshError)
                    {
                        _log($"model refresh failed, will retry: {e.GetType().Name}: {e.Message}");
                        _lastRefreshError = e.Message;
                    }

                    continue;
                }

                _lastRefreshError = null;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Waiting(string name, int version, string reason)
    {
        lock (_waiting)
        {
            if (!_waiting.Add((name, version)))
            {
                return;
            }
        }

        _log($"waiting for {name} version {version}: {reason}");
    }

    private bool RecentlyRefused(string name, int version)
    {
        lock (_refused)
        {
            return _refused.TryGetValue((name, version), out var r) && _time.GetUtcNow() - r.At < s_retryRefused;
        }
    }

    private void Refuse(string name, int version, string reason)
    {
        bool isNew;
        lock (_refused)
        {
            isNew = !_refused.TryGetValue((name, version), out var old) || old.Reason != reason;
            _refused[(name, version)] = (reason, _time.GetUtcNow());
        }

        if (isNew)
        {
            _log($"refused {name} version {version}: {reason}");
        }
    }
}
