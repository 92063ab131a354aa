using System.Runtime.CompilerServices;

namespace Pipelines.Components;

/// <summary>
/// Pushes a blessed model to a serving destination (TFX Pusher; PU-1..4): only when the Evaluator's <see cref="ModelBlessing"/>
/// is blessed and, when wired, the InfraValidator's <see cref="InfraBlessing"/> is too. The model directory is copied to
/// <c>&lt;destination&gt;/&lt;model-name&gt;/&lt;version&gt;/</c> (<see cref="PushLayout"/>) under a temporary name and renamed into
/// place, with a version one above the newest; the model server picks it up without a restart.
/// </summary>
/// <remarks>
/// Output <c>pushed_model</c> (<see cref="PushedModel"/>): <c>push.json</c> (the <see cref="PushManifest"/>) when pushed, else a
/// <c>NOT_PUSHED</c> file with the reason; properties <c>pushed</c> (1/0), <c>model_name</c>, <c>pushed_version</c>,
/// <c>pushed_destination</c>, <c>model_id</c>, <c>model_content_hash</c>, <c>blessing_id</c>, <c>infra_blessing_id</c>,
/// <c>not_pushed_reason</c>. When the node completes with <c>pushed</c> = 1, the runner appends the push to the promotion log in
/// the same transaction. A model that is not blessed is not an error: the node completes, pushes nothing, and says why.
/// </remarks>
/// <example>
/// <code>
/// var servingDir = new PipelineParameter("serving_dir", ".pipelines/serving", "Where the Pusher pushes and `serve` serves from");
/// var pusher = new Pusher(trainer.Outputs.Model, evaluator.Outputs.Blessing, servingDir, infraValidator.Outputs.Blessing);
/// </code></example>
public sealed class Pusher : Component<PusherOptions>
{
    internal const string ModelPort = "model";
    internal const string BlessingPort = "model_blessing";
    internal const string InfraBlessingPort = "infra_blessing";
    internal const string PushedModelPort = "pushed_model";

    /// <summary>The marker written when nothing was pushed.</summary>
    public const string NotPushedFileName = "NOT_PUSHED";

    /// <summary>Declares the node.</summary>
    /// <param name="model">The model, e.g. <c>trainer.Outputs.Model</c>.</param>
    /// <param name="blessing">The Evaluator's blessing of that model.</param>
    /// <param name="destination">The push destination (a path parameter; relative values resolve against the directory
    /// <c>run</c> starts in).</param>
    /// <param name="infraBlessing">Optional: the InfraValidator's blessing of the same model.</param>
    /// <param name="options">Options (model name).</param>
    /// <param name="id">The node id; defaults to <c>Pusher</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    public Pusher(
        Channel<Model> model,
        Channel<ModelBlessing> blessing,
        PipelineParameter destination,
        Channel<InfraBlessing>? infraBlessing = null,
        PusherOptions? options = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(options ?? new PusherOptions(), id, new SourceLocation(file, line))
    {
        ArgumentNullException.ThrowIfNull(destination);
        DestinationParameter = destination with { IsPath = true };

        // Its effect lives outside the artifact store (a wiped destination must be pushed again), so it always runs; an
        // unchanged re-run finds its model already the newest version and pushes nothing.
        EnableCache = false;
        DeclareInput(ModelPort, model);
        DeclareInput(BlessingPort, blessing);
        DeclareInput(InfraBlessingPort, infraBlessing, required: false);
        Outputs = new PusherOutputs(DeclareOutput<PushedModel>(PushedModelPort));
    }

    /// <summary>The output channels.</summary>
    public PusherOutputs Outputs { get; }

    /// <summary>The destination parameter (the <c>serve</c>, <c>models</c> and <c>rollback</c> verbs use its value too).</summary>
    public PipelineParameter DestinationParameter { get; }

    /// <inheritdoc />
    public override string Version => "2";

    /// <inheritdoc />
    public override IReadOnlyList<PipelineParameter> Parameters => [DestinationParameter];

    /// <summary>The served model name for a pipeline.</summary>
    public string ModelNameIn(string pipelineName) => Options.ModelName ?? pipelineName;

    /// <inheritdoc />
    protected override PusherOptions BindParameters(BindingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = DestinationParameter.Resolve(context.ParameterValues);
        if (string.IsNullOrWhiteSpace(raw))
        {
            throw new DataValidationException($"Node '{Id}' ({DefinedAt}): the push destination is empty. Pass it with --param {DestinationParameter.Name}=<directory>.");
        }

        return Options with { ModelName = ModelNameIn(context.PipelineName), Destination = Path.GetFullPath(raw) };
    }

    /// <inheritdoc />
    protected override IExecutor<PusherOptions> CreateExecutor() => new PusherExecutor();
}
