using Microsoft.ML;
using Pipelines.Components;
using Pipelines.Data;
using Pipelines.Tests.StatisticsGen;

namespace Pipelines.Tests.Evaluator;

/// <summary>Runs the Evaluator's executor on artifacts in a temp directory, as the orchestrator would.</summary>
internal sealed class EvaluatorHarness : IDisposable
{
    private readonly TempDirectory _temp = new();
    private long _nextId = 100;

    public MLContext Ml { get; } = new(seed: 1);

    public List<string> Log { get; } = [];

    public string Root => _temp.Path;

    public void Dispose() => _temp.Dispose();

    public Task<Examples> ExamplesAsync(ColumnarTable train, ColumnarTable eval) =>
        EvaluatorTestData.WriteExamplesAsync(_temp.Combine("examples-" + _nextId++), 1, ("train", train), ("eval", eval));

    public Model SaveModel(ITransformer model, ColumnarTable train, long id, string task, string label) =>
        EvaluatorTestData.SaveModel(Ml, model, new ColumnarDataView(train).Schema, _temp.Combine("model-" + id), id, task, label);

    public async Task<(ExecutorContext Context, ModelEvaluation Evaluation, ModelBlessing Blessing)> RunAsync(
        Examples examples, Model model, Model? baseline, EvaluatorOptions options)
    {
        var evaluation = (ModelEvaluation)Artifact.Create(typeof(ModelEvaluation), _nextId, Directory.CreateDirectory(_temp.Combine("evaluation-" + _nextId++)).FullName, new Dictionary<string, System.Text.Json.JsonElement>());
        var blessing = (ModelBlessing)Artifact.Create(typeof(ModelBlessing), _nextId, Directory.CreateDirectory(_temp.Combine("blessing-" + _nextId++)).FullName, new Dictionary<string, System.Text.Json.JsonElement>());
        var inputs = new Dictionary<string, IReadOnlyList<Artifact>>
        {
            ["examples"] = [examples],
            ["model"] = [model],
            ["baseline_model"] = baseline is null ? [] : [baseline],
        };
        var outputs = new Dictionary<string, Artifact> { ["evaluation"] = evaluation, ["blessing"] = blessing };
        var context = new ExecutorContext("penguin", "Evaluator", 3, 4, inputs, outputs, ExternalInputs.None, TimeProvider.System, Log.Add);
        await new EvaluatorExecutor().ExecuteAsync(context, options, CancellationToken.None);
        return (context, evaluation, blessing);
    }
}
