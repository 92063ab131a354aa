namespace Pipelines.Components;

/// <summary>Runs <see cref="Pusher"/>: checks the blessings, verifies the model against its recorded hash, publishes a version.</summary>
public sealed class PusherExecutor : IExecutor<PusherOptions>
{
    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, PusherOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var model = context.Input<Model>(Pusher.ModelPort);
        var blessing = context.Input<ModelBlessing>(Pusher.BlessingPort);
        var infra = context.OptionalInput<InfraBlessing>(Pusher.InfraBlessingPort);
        var output = context.Output<PushedModel>(Pusher.PushedModelPort);
        var name = options.ModelName ?? context.PipelineName;
        var destination = options.Destination ?? throw new InvalidOperationException("The Pusher's destination was not bound.");

        CheckSameModel(blessing, "ModelBlessing", model);
        if (infra is not null)
        {
            CheckSameModel(infra, "InfraBlessing", model);
        }

        context.SetOutputProperty(Pusher.PushedModelPort, "model_name", name);
        context.SetOutputProperty(Pusher.PushedModelPort, "model_id", model.Id);
        context.SetOutputProperty(Pusher.PushedModelPort, "blessing_id", blessing.Id);
        if (infra is not null)
        {
            context.SetOutputProperty(Pusher.PushedModelPort, "infra_blessing_id", infra.Id);
        }

        var reason = blessing.GetLong("blessed") != 1
            ? $"the Evaluator did not bless model {model.Id} (blessing {blessing.Id}): {FirstReason(blessing.Uri, EvaluatorExecutor.NotBlessedFileName)}"
            : infra is not null && infra.GetLong("blessed") != 1
                ? $"the InfraValidator did not bless model {model.Id} (infra blessing {infra.Id}): {infra.GetString("reason") ?? FirstReason(infra.Uri, InfraValidatorExecutor.NotBlessedFileName)}"
                : null;
        if (reason is not null)
        {
            context.SetOutputProperty(Pusher.PushedModelPort, "pushed", 0);
            context.SetOutputProperty(Pusher.PushedModelPort, "not_pushed_reason", reason);
            var current = PushLayout.Versions(destination, name).LastOrDefault();
            var serving = current > 0 ? $"{name} version {current} stays the newest" : $"nothing is pushed for {name} yet";
            await File.WriteAllTextAsync(Path.Combine(output.Uri, Pusher.NotPushedFileName), $"Not pushed: {reason}{Environment.NewLine}{serving}.{Environment.NewLine}", cancellationToken).ConfigureAwait(false);
            context.Log($"Not pushed: {reason.TrimEnd('.')}. {serving}.");
            return;
        }

        // The artifact store is a file system others can write to: push only the bytes the metadata store recorded.
        var recorded = model.ContentHash ?? throw new DataValidationException($"Model artifact {model.Id} has no recorded content hash, so the pushed copy could not be verified.");
        var (hash, _) = await DirectoryHash.ComputeAsync(model.Uri, cancellationToken).ConfigureAwait(false);
        if (hash != recorded)
        {
            throw new DataValidationException(
                $"Model artifact {model.Id} at '{model.Uri}' changed after training (sha256 {hash[..12]}, recorded {recorded[..12]}); refusing to push it. Run the pipeline again with --no-cache to retrain.");
        }

        // Each model is pushed to a destination once: an unchanged re-run pushes nothing, and neither does a run after a
        // rollback away from this model (which would silently undo it). A wiped destination is pushed to again.
        var versions = PushLayout.Versions(destination, name);
        foreach (var earlier in versions.Reverse())
        {
            if (await IsSameModelAsync(PushLayout.VersionDirectory(destination, name, earlier), model, recorded, cancellationToken).ConfigureAwait(false))
            {
                var already = earlier == versions[^1]
                    ? $"model {model.Id} is already the newest version ({name} version {earlier}) at {destination}"
                    : $"model {model.Id} was already pushed as {name} version {earlier} and version {versions[^1]} came after it (a newer push or a rollback); use `rollback {name} {earlier}` to serve it again";
                context.SetOutputProperty(Pusher.PushedModelPort, "pushed", 0);
                context.SetOutputProperty(Pusher.PushedModelPort, "not_pushed_reason", already);
                await File.WriteAllTextAsync(Path.Combine(output.Uri, Pusher.NotPushedFileName), $"Not pushed: {already}.{Environment.NewLine}", cancellationToken).ConfigureAwait(false);
                context.Log($"Not pushed again: {already}.");
                return;
            }
        }

        var pushedAt = context.Time.GetUtcNow().UtcDateTime;
        PushManifest? manifest = null;
        var (version, directory) = await PushLayout.PublishAsync(destination, name, async (temporary, v) =>
        {
            var modelFolder = Path.Combine(temporary, PushLayout.ModelFolder);
            if (!Directory.Exists(modelFolder))
            {
                PushLayout.CopyDirectory(model.Uri, modelFolder);
            }

            manifest = new PushManifest(name, v, model.Id, recorded, context.PipelineName, context.RunId, blessing.Id, infra?.Id, "push", null, pushedAt);
            await manifest.WriteAsync(temporary, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        await manifest!.WriteAsync(output.Uri, cancellationToken).ConfigureAwait(false);
        context.SetOutputProperty(Pusher.PushedModelPort, "pushed", 1);
        context.SetOutputProperty(Pusher.PushedModelPort, "pushed_version", version);
        context.SetOutputProperty(Pusher.PushedModelPort, "pushed_destination", directory);
        context.SetOutputProperty(Pusher.PushedModelPort, "model_content_hash", recorded);
        context.SetOutputProperty(Pusher.PushedModelPort, "pipeline", context.PipelineName);
        context.Log($"Pushed model {model.Id} as {name} version {version} to {directory}.");
    }

    private static async Task<bool> IsSameModelAsync(string versionDirectory, Model model, string recorded, CancellationToken cancellationToken)
    {
        try
        {
            var manifest = await PushManifest.ReadAsync(versionDirectory, cancellationToken).ConfigureAwait(false);
            return manifest.ModelArtifactId == model.Id && manifest.ModelContentHash == recorded;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static void CheckSameModel(Artifact blessing, string what, Model model)
    {
        if (blessing.GetLong("model_id") is { } blessed && blessed != model.Id)
        {
            throw new DataValidationException(
                $"The {what} {blessing.Id} judged model {blessed}, but the Pusher was given model {model.Id}: wire the blessing of the same model (e.g. evaluator.Outputs.Blessing with evaluator over trainer.Outputs.Model).");
        }
    }

    private static string FirstReason(string directory, string marker)
    {
        var path = Path.Combine(directory, marker);
        if (!File.Exists(path))
        {
            return "no reason recorded";
        }

        // The failed checks are the reason; the header and notes (e.g. "no baseline model") come first in the file.
        const int MaxFailures = 5;
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && l != marker).ToList();
        var failed = lines.Where(l => l.StartsWith("FAILED ", StringComparison.Ordinal)).ToList();
        return failed.Count == 0
            ? string.Join(" ", lines.Take(3))
            : string.Join(" ", failed.Take(MaxFailures)) + (failed.Count > MaxFailures ? $" (and {failed.Count - MaxFailures} more failed check(s) in {path})" : "");
    }
}
