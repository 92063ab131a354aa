using System.Runtime.CompilerServices;

namespace Pipelines.Components;

/// <summary>
/// Trains a model on the transformed examples (TFX Trainer): LightGBM (binary, multiclass, regression, ranking), FastTree
/// (binary, regression) or a user's <see cref="ITrainingModule"/>, on all cores by default and deterministic for a fixed seed
/// and thread count. The saved model is the fitted transform graph followed by the trained model, so it takes raw rows.
/// </summary>
/// <remarks>
/// <para>Inputs: <c>transformed_examples</c> (<see cref="Examples"/> with <c>format</c> = <c>idv</c>, i.e. Transform's
/// <c>transformed_examples</c>; or the raw examples, e.g. <c>exampleGen.Outputs.Examples</c>, after a Transform with
/// <see cref="TransformOptions.Materialize"/> = false: the graph is then applied while reading), <c>transform_graph</c> (<see cref="TransformGraph"/>), <c>schema</c> (<see cref="Schema"/>, for the
/// default label), and optionally <c>hyperparameters</c> (<see cref="HyperParameters"/>: <c>hyperparameters.json</c>, an object of
/// option name → value overriding <see cref="TrainerOptions.Algorithm"/>, e.g. from the Tuner).</para>
/// <para>Output <c>model</c> (<see cref="Model"/>): <c>model.zip</c>, an ML.NET <c>TransformerChain</c> (transform graph, then the
/// trained model, then for multiclass the mapping of <c>PredictedLabel</c> back to the original label values) saved with the raw
/// input schema: load it with <see cref="ModelLoader.Load"/> and call <c>Transform</c> on raw rows (e.g. a
/// <see cref="Data.ColumnarDataView"/>); <c>input_schema.json</c>, the raw columns (<c>name</c>, <c>kind</c>, <c>required</c>:
/// whether the model cannot run without it); <c>training_log.json</c> (see the README); with LightGBM's C API engine also <c>lightgbm_model.txt</c>. Properties <c>task</c>, <c>algorithm</c>,
/// <c>label</c>, <c>iterations</c>, <c>train_rows</c>, <c>train_seconds</c>, and <c>positive_class</c> for binary text labels.</para>
/// </remarks>
/// <example>See <c>pipelines/penguin/Program.cs</c>:
/// <code>var trainer = new Trainer(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, schemaGen.Outputs.Schema,
///     new TrainerOptions { Task = TrainingTask.MulticlassClassification, Algorithm = new LightGbmOptions { NumberOfLeaves = 15 } },
///     tuner.Outputs.BestHyperParameters);</code></example>
public sealed class Trainer : Component<TrainerOptions>
{
    internal const string ExamplesPort = "transformed_examples";
    internal const string TransformGraphPort = "transform_graph";
    internal const string SchemaPort = "schema";
    internal const string HyperParametersPort = "hyperparameters";
    internal const string ModelPort = "model";

    /// <summary>The model file inside a <see cref="Model"/> artifact.</summary>
    public const string ModelFileName = "model.zip";

    /// <summary>The raw input schema inside a <see cref="Model"/> artifact.</summary>
    public const string InputSchemaFileName = "input_schema.json";

    /// <summary>The training log inside a <see cref="Model"/> artifact.</summary>
    public const string TrainingLogFileName = "training_log.json";

    /// <summary>LightGBM's own text model inside a <see cref="Model"/> artifact (C API engine only): loadable by any LightGBM
    /// (Python, R, the CLI), over the LightGBM columns described in <c>training_log.json</c>.</summary>
    public const string LightGbmModelFileName = "lightgbm_model.txt";

    /// <summary>Declares the node.</summary>
    /// <param name="transformedExamples">Transform's <c>Outputs.TransformedExamples</c>.</param>
    /// <param name="transformGraph">Transform's <c>Outputs.TransformGraph</c>.</param>
    /// <param name="schema">The schema (its <c>labelColumn</c> is the default label).</param>
    /// <param name="options">The task and the algorithm.</param>
    /// <param name="hyperParameters">Optional hyper-parameters overriding the algorithm's options (the Tuner's best).</param>
    /// <param name="id">The node id; defaults to <c>Trainer</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <exception cref="ArgumentException">The options are inconsistent (an algorithm that does not support the task, a
    /// ranking task without a group column, a value out of range, a custom module type that is not usable).</exception>
    public Trainer(
        Channel<Examples> transformedExamples,
        Channel<TransformGraph> transformGraph,
        Channel<Schema> schema,
        TrainerOptions options,
        Channel<HyperParameters>? hyperParameters = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(options, id, new SourceLocation(file, line))
    {
        var problems = TrainerOptionsValidation.Problems(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(TrainerOptions)} for node '{Id}': {string.Join(" ", problems)}", nameof(options));
        }

        DeclareInput(ExamplesPort, transformedExamples);
        DeclareInput(TransformGraphPort, transformGraph);
        DeclareInput(SchemaPort, schema);
        DeclareInput(HyperParametersPort, hyperParameters, required: false);
        Outputs = new TrainerOutputs(DeclareOutput<Model>(ModelPort));
    }

    /// <summary>The output channels.</summary>
    public TrainerOutputs Outputs { get; }

    /// <inheritdoc />
    public override string Version => "2";

    /// <inheritdoc />
    protected override IExecutor<TrainerOptions> CreateExecutor() => new TrainerExecutor();
}
