using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>
/// Fits the user's feature preprocessing (an <see cref="IPreprocessing"/> built from ML.NET estimators) on the train split only
/// (TFX's analyze pass) and applies it to every split (TFX Transform). The Trainer appends its model to the fitted graph, so
/// the saved model takes raw rows and applies exactly this preprocessing at serving time.
/// </summary>
/// <remarks>
/// <para>Inputs: <c>examples</c> (<see cref="Examples"/> in the columnar format) and <c>schema</c> (<see cref="Schema"/>): the
/// label and the feature columns with their kinds come from the schema, and a schema column that is missing from the data or
/// of another kind fails the node with a <see cref="DataValidationException"/> naming the column.</para>
/// <para>Output <c>transform_graph</c> (<see cref="TransformGraph"/>): <c>transform.zip</c>, the fitted ML.NET transformer
/// saved with the raw input schema of the analyze split (load it with <see cref="ModelLoader.Load"/>); <c>preprocessing.json</c>,
/// <c>{"type","assemblyQualifiedName","identity","analyzeSplit","labelColumn","numericFeatures","textFeatures"}</c>.</para>
/// <para>Output <c>transformed_examples</c> (<see cref="Examples"/>): <c>Split-&lt;name&gt;/data.idv</c> per split, ML.NET's
/// binary data format (load with <c>mlContext.Data.LoadFromBinary</c>) holding every column the preprocessing outputs, raw
/// columns included (the Trainer needs the raw label); properties <c>split_names</c>, <c>format</c> = <c>idv</c>,
/// <c>row_count_&lt;split&gt;</c>, and <c>span</c> when the examples have one.</para>
/// </remarks>
/// <example>See <c>pipelines/penguin/Program.cs</c>:
/// <code>var transform = new Transform(exampleGen.Outputs.Examples, schemaGen.Outputs.Schema,
///     new TransformOptions { Preprocessing = typeof(PenguinPreprocessing) });</code></example>
public sealed class Transform : Component<TransformOptions>
{
    internal const string ExamplesPort = "examples";
    internal const string SchemaPort = "schema";
    internal const string TransformGraphPort = "transform_graph";
    internal const string TransformedExamplesPort = "transformed_examples";

    /// <summary>The fitted transformer inside a <see cref="TransformGraph"/> artifact.</summary>
    public const string TransformFileName = "transform.zip";

    /// <summary>The description of the preprocessing inside a <see cref="TransformGraph"/> artifact.</summary>
    public const string PreprocessingFileName = ModelLoader.PreprocessingFileName;

    /// <summary>The data file of each split directory of the transformed examples.</summary>
    public const string DataFileName = "data.idv";

    /// <summary>The <c>format</c> property of the transformed examples.</summary>
    public const string IdvFormat = "idv";

    private static readonly JsonSerializerOptions s_optionsJson = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Declares the node.</summary>
    /// <param name="examples">The raw examples, e.g. <c>exampleGen.Outputs.Examples</c>.</param>
    /// <param name="schema">The schema, e.g. <c>schemaGen.Outputs.Schema</c>.</param>
    /// <param name="options">Options; <see cref="TransformOptions.Preprocessing"/> is required.</param>
    /// <param name="id">The node id; defaults to <c>Transform</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <exception cref="ArgumentException">The preprocessing type is missing, does not implement <see cref="IPreprocessing"/>, or
    /// has no public parameterless constructor.</exception>
    public Transform(
        Channel<Examples> examples,
        Channel<Schema> schema,
        TransformOptions options,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(options, id, new SourceLocation(file, line))
    {
        UserCodeType.Validate<IPreprocessing>(options.Preprocessing, $"{nameof(TransformOptions)}.{nameof(TransformOptions.Preprocessing)}", "typeof(PenguinPreprocessing)");
        if (string.IsNullOrWhiteSpace(options.AnalyzeSplit))
        {
            throw new ArgumentException($"{nameof(TransformOptions)}.{nameof(TransformOptions.AnalyzeSplit)} is empty; name the split to fit on (default 'train').", nameof(options));
        }

        if (!options.Materialize && options.OutputColumns is not null)
        {
            throw new ArgumentException(
                $"{nameof(TransformOptions)}.{nameof(TransformOptions.OutputColumns)} chooses the columns of the transformed examples, which {nameof(TransformOptions.Materialize)} = false does not write. Remove one of the two.",
                nameof(options));
        }

        DeclareInput(ExamplesPort, examples);
        DeclareInput(SchemaPort, schema);
        Outputs = new TransformOutputs(
            DeclareOutput<TransformGraph>(TransformGraphPort),
            options.Materialize ? DeclareOutput<Examples>(TransformedExamplesPort) : null,
            Id);
    }

    /// <summary>The output channels.</summary>
    public TransformOutputs Outputs { get; }

    /// <inheritdoc />
    public override string Version => "1";

    /// <inheritdoc />
    protected override IExecutor<TransformOptions> CreateExecutor() => new TransformExecutor();

    /// <inheritdoc />
    /// <remarks>The preprocessing type is written as its full name, assembly and MVID, so a change to the user's code re-runs
    /// Transform even when no option changed.</remarks>
    protected override string SerializeOptions(TransformOptions options) => JsonSerializer.Serialize(options, s_optionsJson);
}
