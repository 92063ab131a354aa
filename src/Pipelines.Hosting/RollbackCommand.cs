using System.CommandLine;
using Pipelines.Metadata;

namespace Pipelines.Hosting;

/// <summary>
/// <c>rollback &lt;model&gt; &lt;version&gt;</c>: re-pushes an earlier pushed (so blessed) version as the newest version, after
/// checking its files against the hash the metadata store recorded; a running <c>serve</c> switches to it. Versions only
/// increase, so a rollback is a new version, and the promotion log records it with the version it restored.
/// </summary>
internal static class RollbackCommand
{
    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        var modelArgument = new Argument<string>("model") { Description = "The served model name." };
        var versionArgument = new Argument<int>("version") { Description = "The earlier version to serve again." };
        var models = new Option<string?>("--models") { Description = "Push destination. Default: the pipeline's Pusher destination." };
        var command = new Command("rollback", "Serve an earlier pushed version again: it is re-pushed as the newest version and logged.")
        {
            modelArgument, versionArgument, models,
        };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(modelArgument)!;
            var version = parse.GetValue(versionArgument);
            var destination = ServingDestination.Resolve(pipeline, parse.GetValue(models));
            await using var store = await CommonOptions.OpenStoreAsync(common.Paths(parse), ct).ConfigureAwait(false);
            var source = PushLayout.VersionDirectory(destination, name, version);
            if (!Directory.Exists(source))
            {
                var versions = PushLayout.Versions(destination, name);
                throw new HostUsageException(versions.Count == 0
                    ? $"no versions of '{name}' under {destination}. See `models` for what was pushed."
                    : $"{name} version {version} is not under {PushLayout.ModelDirectory(destination, name)} (versions there: {string.Join(", ", versions)}).");
            }

            PushManifest manifest;
            try
            {
                manifest = await PushManifest.ReadAsync(source, ct).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw new HostUsageException(e.Message, e);
            }

            var original = await PromotionLog.FindAsync(store, name, version, manifest.ModelArtifactId, ct).ConfigureAwait(false)
                ?? throw new HostUsageException($"{name} version {version} is not in the promotion log: only versions that were pushed (blessed) can be rolled back to.");
            var recorded = await PromotionLog.RecordedModelHashAsync(store, manifest.ModelArtifactId, ct).ConfigureAwait(false);
            var (hash, _) = await DirectoryHash.ComputeAsync(Path.Combine(source, PushLayout.ModelFolder), ct).ConfigureAwait(false);
            if (recorded is null || hash != recorded)
            {
                throw new HostUsageException(
                    $"the files of {name} version {version} do not match the hash recorded for model artifact {manifest.ModelArtifactId} ({(recorded is null ? "none recorded" : recorded[..12])}, found {hash[..12]}): refusing to serve them again.");
            }

            var newest = PushLayout.Versions(destination, name).LastOrDefault();
            if (newest == version)
            {
                Console.WriteLine($"{name} version {version} is already the newest version; nothing to do.");
                return 0;
            }

            var now = store.UtcNow;
            var (pushed, directory) = await PushLayout.PublishAsync(destination, name, async (temporary, v) =>
            {
                var modelFolder = Path.Combine(temporary, PushLayout.ModelFolder);
                if (!Directory.Exists(modelFolder))
                {
                    PushLayout.CopyDirectory(Path.Combine(source, PushLayout.ModelFolder), modelFolder);
                }

                await (manifest with { Version = v, Action = "rollback", RolledBackFromVersion = version, PushedAtUtc = now }).WriteAsync(temporary, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);

            await PromotionLog.AppendAsync(store, new PromotionRecord
            {
                ModelName = name,
                Version = pushed,
                Action = PromotionAction.Rollback,
                ModelArtifactId = manifest.ModelArtifactId,
                ModelContentHash = recorded,
                Destination = directory,
                Pipeline = original.Pipeline,
                RunId = original.RunId,
                BlessingArtifactId = original.BlessingArtifactId,
                EvaluationArtifactId = original.EvaluationArtifactId,
                InfraBlessingArtifactId = original.InfraBlessingArtifactId,
                RolledBackFromVersion = version,
                TriggeredBy = $"rollback by {Environment.UserName}@{Environment.MachineName}",
                CreatedAt = now,
            }, ct).ConfigureAwait(false);
            Console.WriteLine($"Rolled back {name}: version {pushed} now serves model {manifest.ModelArtifactId} (the model of version {version}); a running `serve` switches to it within its poll interval.");
            return 0;
        });
        return command;
    }
}
