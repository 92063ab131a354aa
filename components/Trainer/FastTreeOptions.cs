namespace Pipelines.Components;

/// <summary>ML.NET's FastTree gradient boosting (binary classification and regression). Property names and defaults are
/// ML.NET's. FastTree has no L1/L2 regularization.</summary>
public sealed record FastTreeOptions : TrainerAlgorithm
{
    /// <inheritdoc />
    internal override string AlgorithmName => "FastTree";

    /// <summary>Trees in the ensemble; default 100.</summary>
    public int NumberOfTrees { get; init; } = 100;

    /// <summary>Maximum leaves per tree; default 20.</summary>
    public int NumberOfLeaves { get; init; } = 20;

    /// <summary>Shrinkage; default 0.2.</summary>
    public double LearningRate { get; init; } = 0.2;

    /// <summary>Minimum rows in a leaf; default 10.</summary>
    public int MinimumExampleCountPerLeaf { get; init; } = 10;

    /// <summary>Fraction of features considered per tree; default 1.</summary>
    public double FeatureFraction { get; init; } = 1;

    /// <summary>Trees per bagging round; 0 (default) = no bagging.</summary>
    public int BaggingSize { get; init; }

    /// <summary>Fraction of rows per bagging round; default 0.7 (used when <see cref="BaggingSize"/> &gt; 0).</summary>
    public double BaggingExampleFraction { get; init; } = 0.7;

    /// <summary>Maximum bins per feature; default 255.</summary>
    public int MaximumBinCountPerFeature { get; init; } = 255;

    /// <summary>Split one-hot (categorical) blocks of the feature column as categories; default false.</summary>
    public bool CategoricalSplit { get; init; }

    /// <summary>Stop when the eval split's loss has not improved on its best for this many consecutive trees, and keep the trees
    /// up to the best one (ML.NET's <c>ConsecutiveGeneralityLossRule</c> with pruning); 0 (default) = off. Needs an eval split
    /// (<see cref="TrainerOptions.EvalSplit"/>); the whole split is used.</summary>
    public int EarlyStoppingRound { get; init; }

    /// <summary>Binary: re-weight an unbalanced label; default false.</summary>
    public bool UnbalancedSets { get; init; }
}
