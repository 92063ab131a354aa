using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>The learning algorithm of a <see cref="Trainer"/>: <see cref="LightGbmOptions"/>, <see cref="FastTreeOptions"/> or
/// <see cref="CustomTrainerOptions"/>. Property names are ML.NET's; a <see cref="HyperParameters"/> input overrides them by name.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "algorithm")]
[JsonDerivedType(typeof(LightGbmOptions), "LightGbm")]
[JsonDerivedType(typeof(FastTreeOptions), "FastTree")]
[JsonDerivedType(typeof(CustomTrainerOptions), "Custom")]
public abstract record TrainerAlgorithm
{
    private protected TrainerAlgorithm()
    {
    }

    /// <summary>The random seed of training (the ML.NET context and the trainer). Default 1: same data, options, seed and
    /// thread count give the same model.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Training threads; null (default) = <see cref="Environment.ProcessorCount"/>. Results may differ between thread
    /// counts (LightGBM with <see cref="LightGbmOptions.Deterministic"/> keeps them equal).</summary>
    public int? NumberOfThreads { get; init; }

    /// <summary>The name recorded in the model's <c>algorithm</c> property.</summary>
    internal abstract string AlgorithmName { get; }

    /// <summary>The thread count actually used.</summary>
    internal int ResolvedThreads => NumberOfThreads is > 0 and var n ? n : Environment.ProcessorCount;
}
