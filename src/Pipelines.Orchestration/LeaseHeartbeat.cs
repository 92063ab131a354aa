namespace Pipelines.Orchestration;

/// <summary>
/// Keeps a lease (on an execution or a subtask) alive while its holder works: renews it every third of its duration, cancels
/// the work when the lease is lost (someone else owns it now), and rides out transient database errors until the lease would
/// really have expired.
/// </summary>
internal static class LeaseHeartbeat
{
    public static async Task RunAsync(
        Func<CancellationToken, Task<bool>> renew, PipelineRuntime runtime, CancellationTokenSource work, string what)
    {
        var lease = runtime.Options.Lease;
        var lastRenewed = runtime.Time.GetTimestamp();
        while (!work.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(lease / 3, runtime.Time, work.Token).ConfigureAwait(false);
                if (!await renew(work.Token).ConfigureAwait(false))
                {
                    await work.CancelAsync().ConfigureAwait(false);
                    return;
                }

                lastRenewed = runtime.Time.GetTimestamp();
            }
            catch (OperationCanceledException)
            {
                return; // the work ended
            }
            catch (Exception ex) when (TransientErrors.IsTransient(ex))
            {
                if (runtime.Time.GetElapsedTime(lastRenewed) >= lease)
                {
                    runtime.Log($"{what}: could not renew the lease for {lease.TotalSeconds:0} s ({ex.Message}); stopping this attempt");
                    await work.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
    }
}
