namespace Pipelines.Components;

/// <summary>
/// LightGBM (binary, multiclass, regression, ranking) through ML.NET. Property names are ML.NET's; the defaults are native
/// LightGBM's (ML.NET's own differ: it picks the learning rate, leaves and minimum leaf size from the row count, and its
/// L2 regularization and minimum child weight are not LightGBM's), so a model is comparable with one trained by the native
/// library or Python with the same settings.
/// </summary>
/// <remarks>
/// <para>By default (<see cref="Engine"/>) the Trainer calls LightGBM's C API on a dense matrix it reads once from the transformed
/// examples, records the eval metric after every iteration, and turns the result into an ordinary ML.NET model (ML.NET's
/// pre-trained LightGBM loader), checked against the booster's own predictions before it is saved. A categorical feature is a
/// one-hot block (e.g. <c>OneHotEncoding</c> in the preprocessing) in the feature column, turned into one LightGBM categorical
/// column when <see cref="UseCategoricalSplit"/> is on.</para>
/// <para>One LightGBM training runs per process at a time (the native library's thread settings are process-wide, and ML.NET's
/// trainer holds a process-wide lock); the Trainer waits for it asynchronously. Tuner trials therefore run in parallel only
/// across worker processes.</para>
/// </remarks>
public sealed record LightGbmOptions : TrainerAlgorithm
{
    /// <inheritdoc />
    internal override string AlgorithmName => "LightGbm";

    /// <summary>Boosting iterations (trees per class). Native <c>num_iterations</c>; default 100.</summary>
    public int NumberOfIterations { get; init; } = 100;

    /// <summary>Maximum leaves per tree. Native <c>num_leaves</c>; default 31.</summary>
    public int NumberOfLeaves { get; init; } = 31;

    /// <summary>Shrinkage. Native <c>learning_rate</c>; default 0.1.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Minimum rows in a leaf. Native <c>min_data_in_leaf</c>; default 20.</summary>
    public int MinimumExampleCountPerLeaf { get; init; } = 20;

    /// <summary>Minimum sum of hessians in a leaf. Native <c>min_sum_hessian_in_leaf</c>; default 0.001 (ML.NET's is 0.1).</summary>
    public double MinimumChildWeight { get; init; } = 0.001;

    /// <summary>Maximum tree depth; 0 = no limit. Native <c>max_depth</c>.</summary>
    public int MaximumTreeDepth { get; init; }

    /// <summary>Minimum gain to split. Native <c>min_gain_to_split</c>; default 0.</summary>
    public double MinimumSplitGain { get; init; }

    /// <summary>Fraction of features considered per tree. Native <c>feature_fraction</c>; default 1.</summary>
    public double FeatureFraction { get; init; } = 1;

    /// <summary>Fraction of rows used per bagging round. Native <c>bagging_fraction</c> (<c>subsample</c>); default 1 (no bagging).</summary>
    public double SubsampleFraction { get; init; } = 1;

    /// <summary>Bagging every k iterations; 0 = no bagging. Native <c>bagging_freq</c> (<c>subsample_freq</c>).</summary>
    public int SubsampleFrequency { get; init; }

    /// <summary>L1 regularization. Native <c>lambda_l1</c>; default 0.</summary>
    public double L1Regularization { get; init; }

    /// <summary>L2 regularization. Native <c>lambda_l2</c>; default 0 (ML.NET's is 0.01).</summary>
    public double L2Regularization { get; init; }

    /// <summary>Maximum bins per feature. Native <c>max_bin</c>; default 255.</summary>
    public int MaximumBinCountPerFeature { get; init; } = 255;

    /// <summary>Treat one-hot blocks of the feature column (slots with categorical annotations, as <c>OneHotEncoding</c>
    /// produces) as LightGBM categorical features. Null (default) = ML.NET's rule: on when the train split has more than
    /// 50,000 rows.</summary>
    public bool? UseCategoricalSplit { get; init; }

    /// <summary>Minimum rows per categorical group. Native <c>min_data_per_group</c>; default 100.</summary>
    public int MinimumExampleCountPerGroup { get; init; } = 100;

    /// <summary>Maximum categorical split points. Native <c>max_cat_threshold</c>; default 32.</summary>
    public int MaximumCategoricalSplitPointCount { get; init; } = 32;

    /// <summary>Smoothing of categorical splits. Native <c>cat_smooth</c>; default 10.</summary>
    public double CategoricalSmoothing { get; init; } = 10;

    /// <summary>L2 regularization of categorical splits. Native <c>cat_l2</c>; default 10.</summary>
    public double L2CategoricalRegularization { get; init; } = 10;

    /// <summary>Handle missing values (NaN) natively. Native <c>use_missing</c>; default true.</summary>
    public bool HandleMissingValue { get; init; } = true;

    /// <summary>Stop when the eval split's metric has not improved for this many iterations; 0 (default) = off. Needs an eval
    /// split (<see cref="TrainerOptions.EvalSplit"/>).</summary>
    public int EarlyStoppingRound { get; init; }

    /// <summary>LightGBM's <c>deterministic</c>: stable results for the same data, parameters and seed. Default true (native: false).</summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>Native <c>force_col_wise</c>: skip LightGBM's row-/column-wise timing test. Default false.</summary>
    public bool ForceColumnWise { get; init; }

    /// <summary>Native <c>force_row_wise</c>. Default false.</summary>
    public bool ForceRowWise { get; init; }

    /// <summary>Rows sampled to find the bin boundaries. Native <c>bin_construct_sample_cnt</c>; default 200,000. (ML.NET's
    /// trainer always samples 65,536.)</summary>
    public int BinSampleCount { get; init; } = 200_000;

    /// <summary>C API or ML.NET's trainer; default <see cref="LightGbmEngine.Auto"/> (the C API whenever the features fit a dense matrix).</summary>
    public LightGbmEngine Engine { get; init; }

    /// <summary>Binary: re-weight an unbalanced label. Native <c>is_unbalance</c>; default false.</summary>
    public bool UnbalancedSets { get; init; }
}
