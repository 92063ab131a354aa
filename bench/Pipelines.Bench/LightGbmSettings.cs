using System.Globalization;

namespace Pipelines.Bench;

/// <summary>
/// The explicitly matched settings of the Trainer-versus-native benchmark: both sides must train with exactly these. Every
/// value that ML.NET's LightGBM trainer would otherwise set differently from native LightGBM is listed, with the ML.NET option
/// that has to be set to match (ML.NET 5.0 defaults in brackets).
/// </summary>
public sealed record LightGbmSettings
{
    /// <summary><c>num_iterations</c> — ML.NET <c>NumberOfIterations</c> [100].</summary>
    public int Iterations { get; init; } = 100;

    /// <summary><c>num_leaves</c> — ML.NET <c>NumberOfLeaves</c> [auto/sweep].</summary>
    public int Leaves { get; init; } = 31;

    /// <summary><c>learning_rate</c> — ML.NET <c>LearningRate</c> [auto/sweep].</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary><c>max_bin</c> — ML.NET <c>MaximumBinCountPerFeature</c> [255].</summary>
    public int MaxBin { get; init; } = 255;

    /// <summary>
    /// <c>bin_construct_sample_cnt</c>. ML.NET cannot set it: it samples a fixed 65,536 rows itself
    /// (<c>GetNumSampleRow</c>, 4× with ≥ 100,000 columns) and builds the bins with <c>LGBM_DatasetCreateFromSampledColumn</c>.
    /// So the native side uses 65,536 too (native default 200,000).
    /// </summary>
    public int BinSampleCount { get; init; } = 65_536;

    /// <summary><c>min_data_in_leaf</c> — ML.NET <c>MinimumExampleCountPerLeaf</c> [auto: 20 for binary].</summary>
    public int MinDataInLeaf { get; init; } = 20;

    /// <summary><c>min_sum_hessian_in_leaf</c> — ML.NET <c>Booster.MinimumChildWeight</c> [0.1; native 1e-3].</summary>
    public double MinSumHessianInLeaf { get; init; } = 1e-3;

    /// <summary><c>lambda_l1</c> — ML.NET <c>Booster.L1Regularization</c> [0].</summary>
    public double L1 { get; init; }

    /// <summary><c>lambda_l2</c> — ML.NET <c>Booster.L2Regularization</c> [0.01; native 0].</summary>
    public double L2 { get; init; }

    /// <summary><c>sigmoid</c> of the binary objective — ML.NET <c>LightGbmBinaryTrainer.Options.Sigmoid</c> [0.5; native 1].</summary>
    public double Sigmoid { get; init; } = 1.0;

    /// <summary><c>num_threads</c> — ML.NET <c>NumberOfThreads</c> [all cores].</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary><c>seed</c> (also seeds data sampling, bagging, feature fraction) — ML.NET <c>Seed</c> [the MLContext's].</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>deterministic</c> — ML.NET <c>Deterministic</c>.</summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>
    /// Categorical handling, all at native defaults which equal ML.NET's: <c>max_cat_threshold</c> (ML.NET
    /// <c>MaximumCategoricalSplitPointCount</c> 32), <c>cat_smooth</c> (<c>CategoricalSmoothing</c> 10), <c>cat_l2</c>
    /// (<c>L2CategoricalRegularization</c> 10), <c>min_data_per_group</c> (<c>MinimumExampleCountPerGroup</c> 100),
    /// <c>max_cat_to_onehot</c> 4 (not an ML.NET option).
    /// </summary>
    public string CategoricalParameters { get; init; } = "max_cat_threshold=32 cat_smooth=10 cat_l2=10 min_data_per_group=100 max_cat_to_onehot=4";

    /// <summary>
    /// The whole parameter string for <c>LGBM_DatasetCreateFromMat</c> and <c>LGBM_BoosterCreate</c> (LightGBM takes the dataset
    /// parameters at dataset construction and the rest at booster creation; passing all to both is what the Python package does).
    /// <c>metric=none</c>: the bare baseline computes no metric during training; <paramref name="metric"/> overrides it for the
    /// variant with a validation set. Missing values: <c>use_missing=true zero_as_missing=false</c> (both defaults; ML.NET's
    /// <c>HandleMissingValue</c>/<c>UseZeroAsMissingValue</c> [true/false]).
    /// </summary>
    public string ToNativeParameters(IEnumerable<int> categoricalFeatures, string metric = "none") => string.Join(' ',
    [
        "objective=binary",
        "boosting=gbdt",
        Invariant($"num_iterations={Iterations}"),
        Invariant($"num_leaves={Leaves}"),
        Invariant($"learning_rate={LearningRate}"),
        Invariant($"max_bin={MaxBin}"),
        Invariant($"bin_construct_sample_cnt={BinSampleCount}"),
        Invariant($"min_data_in_leaf={MinDataInLeaf}"),
        Invariant($"min_sum_hessian_in_leaf={MinSumHessianInLeaf}"),
        Invariant($"lambda_l1={L1}"),
        Invariant($"lambda_l2={L2}"),
        Invariant($"sigmoid={Sigmoid}"),
        Invariant($"num_threads={Threads}"),
        Invariant($"seed={Seed}"),
        $"deterministic={(Deterministic ? "true" : "false")}",
        "categorical_feature=" + string.Join(',', categoricalFeatures.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        CategoricalParameters,
        "use_missing=true",
        "zero_as_missing=false",
        "metric=" + metric,
        "verbose=-1",
    ]);

    /// <summary>One line for the report.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"iterations {Iterations}, leaves {Leaves}, learning rate {LearningRate}, max bin {MaxBin}, bin sample {BinSampleCount:N0} rows, " +
        $"min data per leaf {MinDataInLeaf}, min hessian per leaf {MinSumHessianInLeaf}, L1 {L1}, L2 {L2}, sigmoid {Sigmoid}, " +
        $"threads {Threads}, seed {Seed}, deterministic {Deterministic}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
