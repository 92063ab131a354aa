using System.Text.Json;
using Pipelines.Components;
using Pipelines.Tests.StatisticsGen;

namespace Pipelines.Tests.Pusher;

/// <summary>What the Pusher pushes, and what it refuses to push again.</summary>
public sealed class PusherExecutorTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private long _nextId = 10;

    private string Destination => _temp.Combine("serving");

    [Fact]
    public async Task Execute_BlessedModel_PushedAsVersion1WithManifestAndProperties()
    {
        var model = await ModelAsync("a");

        var (context, output) = await RunAsync(model, Blessing(model, blessed: true));

        Assert.Equal(1, context.OutputProperties("pushed_model")["pushed"].GetInt32());
        Assert.Equal(1, context.OutputProperties("pushed_model")["pushed_version"].GetInt32());
        var manifest = await PushManifest.ReadAsync(PushLayout.VersionDirectory(Destination, "penguin", 1), CancellationToken.None);
        Assert.Equal((model.Id, model.ContentHash), (manifest.ModelArtifactId, manifest.ModelContentHash));
        Assert.True(File.Exists(Path.Combine(output.Uri, PushManifest.FileName)));
        var (copied, _) = await DirectoryHash.ComputeAsync(Path.Combine(PushLayout.VersionDirectory(Destination, "penguin", 1), PushLayout.ModelFolder), CancellationToken.None);
        Assert.Equal(model.ContentHash, copied);
    }

    [Fact]
    public async Task Execute_NotBlessed_NothingPushedAndTheReasonSaid()
    {
        var model = await ModelAsync("a");

        var (context, output) = await RunAsync(model, Blessing(model, blessed: false));

        Assert.Equal(0, context.OutputProperties("pushed_model")["pushed"].GetInt32());
        // The reason is the failed checks, all of them, not the marker's first lines (its header and notes).
        Assert.Equal($"the Evaluator did not bless model {model.Id} (blessing {model.Id + 1}): FAILED AUC on overall is 0.61, below the lower bound 0.7. FAILED Accuracy on overall is 0.55, below the lower bound 0.6.",
            context.OutputProperties("pushed_model")["not_pushed_reason"].GetString());
        Assert.True(File.Exists(Path.Combine(output.Uri, Components.Pusher.NotPushedFileName)));
        Assert.Empty(PushLayout.Versions(Destination, "penguin"));
    }

    [Fact]
    public async Task Execute_SameModelAgain_NotPushedTwice()
    {
        var model = await ModelAsync("a");
        await RunAsync(model, Blessing(model, blessed: true));

        var (context, _) = await RunAsync(model, Blessing(model, blessed: true));

        Assert.Equal(0, context.OutputProperties("pushed_model")["pushed"].GetInt32());
        Assert.Contains("already the newest version (penguin version 1)", context.OutputProperties("pushed_model")["not_pushed_reason"].GetString(), StringComparison.Ordinal);
        Assert.Equal([1], PushLayout.Versions(Destination, "penguin"));
    }

    [Fact]
    public async Task Execute_ModelRolledBackAway_NotPushedAgainSoTheRollbackStands()
    {
        var good = await ModelAsync("good");
        var bad = await ModelAsync("bad");
        await RunAsync(good, Blessing(good, blessed: true));   // version 1
        await RunAsync(bad, Blessing(bad, blessed: true));     // version 2
        // An operator rolls back to version 1 (the rollback verb publishes its copy as version 3).
        await PushLayout.PublishAsync(Destination, "penguin", async (temporary, version) =>
        {
            PushLayout.CopyDirectory(good.Uri, Path.Combine(temporary, PushLayout.ModelFolder));
            await new PushManifest("penguin", version, good.Id, good.ContentHash!, "penguin", 1, null, null, "rollback", 1, DateTime.UtcNow).WriteAsync(temporary, CancellationToken.None);
        }, CancellationToken.None);

        // A scheduled re-run with the bad model unchanged must not undo the rollback.
        var (context, _) = await RunAsync(bad, Blessing(bad, blessed: true));

        Assert.Equal(0, context.OutputProperties("pushed_model")["pushed"].GetInt32());
        Assert.Contains("was already pushed as penguin version 2 and version 3 came after it", context.OutputProperties("pushed_model")["not_pushed_reason"].GetString(), StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], PushLayout.Versions(Destination, "penguin"));
    }

    [Fact]
    public async Task Execute_ModelChangedOnDiskAfterTraining_RefusedWithTheHashes()
    {
        var model = await ModelAsync("a");
        await File.AppendAllTextAsync(Path.Combine(model.Uri, "model.zip"), "tampered");

        var error = await Assert.ThrowsAsync<DataValidationException>(() => RunAsync(model, Blessing(model, blessed: true)));

        Assert.Contains("changed after training", error.Message, StringComparison.Ordinal);
        Assert.Empty(PushLayout.Versions(Destination, "penguin"));
    }

    public void Dispose() => _temp.Dispose();

    private async Task<Model> ModelAsync(string content)
    {
        var id = _nextId++;
        var directory = Directory.CreateDirectory(_temp.Combine("model-" + id)).FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "model.zip"), "model " + content);
        var (hash, _) = await DirectoryHash.ComputeAsync(directory, CancellationToken.None);
        return (Model)Artifact.Create(typeof(Model), id, directory, new Dictionary<string, JsonElement>(), hash);
    }

    private ModelBlessing Blessing(Model model, bool blessed)
    {
        var id = _nextId++;
        var directory = Directory.CreateDirectory(_temp.Combine("blessing-" + id)).FullName;
        // As the Evaluator writes it: a header, notes, then one line per failed check.
        File.WriteAllLines(Path.Combine(directory, blessed ? EvaluatorExecutor.BlessedFileName : EvaluatorExecutor.NotBlessedFileName),
        [
            $"NOT BLESSED: model {model.Id} (BinaryClassification, split 'eval', no baseline model)",
            "Not blessed: 2 of 3 threshold check(s) failed.",
            "No baseline model (no live model blessed by this Evaluator before: the first run, or every blessed model was retired since, e.g. its files changed): 1 change threshold(s) skipped; the model is judged on its value and slice-gap thresholds only.",
            "FAILED AUC on overall is 0.61, below the lower bound 0.7.",
            "FAILED Accuracy on overall is 0.55, below the lower bound 0.6.",
        ]);
        return (ModelBlessing)Artifact.Create(typeof(ModelBlessing), id, directory, new Dictionary<string, JsonElement>
        {
            ["blessed"] = JsonSerializer.SerializeToElement(blessed ? 1 : 0),
            ["model_id"] = JsonSerializer.SerializeToElement(model.Id),
        });
    }

    private async Task<(ExecutorContext Context, PushedModel Output)> RunAsync(Model model, ModelBlessing blessing)
    {
        var output = (PushedModel)Artifact.Create(typeof(PushedModel), _nextId, Directory.CreateDirectory(_temp.Combine("pushed-" + _nextId++)).FullName, new Dictionary<string, JsonElement>());
        var inputs = new Dictionary<string, IReadOnlyList<Artifact>> { ["model"] = [model], ["model_blessing"] = [blessing], ["infra_blessing"] = [] };
        var context = new ExecutorContext("penguin", "Pusher", 1, 2, inputs, new Dictionary<string, Artifact> { ["pushed_model"] = output }, ExternalInputs.None, TimeProvider.System, _ => { });
        await new PusherExecutor().ExecuteAsync(context, new PusherOptions { ModelName = "penguin", Destination = Destination }, CancellationToken.None);
        return (context, output);
    }
}
