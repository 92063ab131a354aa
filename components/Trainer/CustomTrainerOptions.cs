using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>A user-written training function (TFX's <c>run_fn</c>): a class implementing <see cref="ITrainingModule"/> with a
/// public parameterless constructor. Its full name, assembly and MVID enter the cache fingerprint, so editing it re-runs the
/// Trainer. <see cref="TrainerAlgorithm.Seed"/> and <see cref="TrainerAlgorithm.NumberOfThreads"/> are handed to it, and so are
/// all hyper-parameters (<see cref="TrainingContext.HyperParameters"/>).</summary>
public sealed record CustomTrainerOptions : TrainerAlgorithm
{
    /// <inheritdoc />
    internal override string AlgorithmName => "Custom";

    /// <summary>The module type, e.g. <c>typeof(MyTrainingModule)</c>.</summary>
    [JsonConverter(typeof(UserCodeTypeJsonConverter))]
    public Type? Module { get; init; }
}
