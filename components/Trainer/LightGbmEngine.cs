namespace Pipelines.Components;

/// <summary>How the Trainer drives LightGBM. Both run the same native library and save the same kind of ML.NET model.</summary>
public enum LightGbmEngine
{
    /// <summary><see cref="CApi"/> when the feature vector fits a dense matrix (at most 2,000 LightGBM columns after one-hot blocks
    /// are collapsed, and at most 500 million values), else <see cref="MlNetTrainer"/>.</summary>
    Auto,

    /// <summary>The C API on a dense float32 matrix read once from the transformed examples: native speed, LightGBM's metric on the
    /// eval split after every iteration in <c>training_log.json</c>, LightGBM's text model as <c>lightgbm_model.txt</c>.</summary>
    CApi,

    /// <summary>ML.NET's <c>LightGbm*Trainer</c> (reads sparse vectors of any width; slower on large data; no per-iteration
    /// metric; bin boundaries from at most 65,536 rows whatever <see cref="LightGbmOptions.BinSampleCount"/> says).</summary>
    MlNetTrainer,
}
