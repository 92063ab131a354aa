using System.Text.Json;
using Microsoft.ML;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>What an <see cref="ITrainingModule"/> gets.</summary>
/// <param name="Task">The task.</param>
/// <param name="TrainData">The transformed train split, label prepared (rows with a missing label dropped).</param>
/// <param name="EvalData">The transformed eval split prepared the same way, or null when there is none.</param>
/// <param name="LabelColumn">The prepared label column to train on.</param>
/// <param name="FeatureColumn">The feature column (a vector of float).</param>
/// <param name="GroupColumn">Ranking: the group column (a key), else null.</param>
/// <param name="Seed">The seed to use.</param>
/// <param name="NumberOfThreads">The threads to use.</param>
/// <param name="HyperParameters">The <c>hyperparameters.json</c> of a wired <see cref="HyperParameters"/> input (empty when none).</param>
/// <param name="Schema">The data schema.</param>
public sealed record TrainingContext(
    TrainingTask Task,
    IDataView TrainData,
    IDataView? EvalData,
    string LabelColumn,
    string FeatureColumn,
    string? GroupColumn,
    int Seed,
    int NumberOfThreads,
    IReadOnlyDictionary<string, JsonElement> HyperParameters,
    DataSchema Schema);
