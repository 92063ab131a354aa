namespace Pipelines.Bench;

/// <summary>
/// Our side of the Trainer-versus-native-LightGBM benchmark (<see cref="TrainerSuite"/>). The bench times
/// <see cref="TrainAsync"/> as a whole (wall clock, from the in-memory split to a trained model) and compares it with the
/// native baseline's dataset construction + training, which starts from the same in-memory split. Scoring the eval split
/// (<see cref="ITrainedModelUnderTest.Score"/>) is not timed; the bench computes the AUC of the returned scores with the same
/// <see cref="Auc"/> function as the native side's.
/// </summary>
public interface ITrainerUnderTest
{
    /// <summary>The row label in the table, e.g. "our Trainer (ML.NET LightGbmBinaryTrainer)".</summary>
    string Name { get; }

    /// <summary>Untimed, once before the first <see cref="TrainAsync"/>: whatever our side needs on disk (e.g. transformed examples).</summary>
    Task PrepareAsync(FlightsFeatures data, CancellationToken cancellationToken);

    /// <summary>
    /// Trains a binary LightGBM model on <paramref name="train"/> with exactly <paramref name="settings"/> (see
    /// <see cref="LightGbmSettings"/> for the ML.NET option behind each one). Features are
    /// <see cref="FlightsFeatures.FeatureNames"/>; <see cref="FlightsFeatures.CategoricalFeatures"/> (origin, destination:
    /// integer codes 0…n−1 stored as float, NaN = missing) must be treated as categorical. Called once untimed (warm-up, JIT)
    /// and then once per timed repetition; each call must train from scratch (no cache between calls).
    /// </summary>
    Task<ITrainedModelUnderTest> TrainAsync(FlightsSplit train, LightGbmSettings settings, CancellationToken cancellationToken);
}

/// <summary>A model trained by <see cref="ITrainerUnderTest.TrainAsync"/>.</summary>
public interface ITrainedModelUnderTest : IDisposable
{
    /// <summary>One score per row of <paramref name="split"/> (probability or raw score; higher = delayed), in row order.</summary>
    double[] Score(FlightsSplit split);
}

/// <summary>Our side of the benchmark: the Trainer component (<see cref="ComponentTrainer"/>).</summary>
public static class OurTrainer
{
    /// <summary>As the shipped flights pipeline runs it (raw examples + graph): the row the target is judged on.</summary>
    public static ITrainerUnderTest? Create() => new ComponentTrainer(materialized: false);

    /// <summary>On materialized transformed examples (TFX's default; an info row).</summary>
    public static ITrainerUnderTest CreateMaterialized() => new ComponentTrainer(materialized: true);
}
