namespace Pipelines.Components;

/// <summary>Which way a metric improves, for <see cref="ChangeThreshold"/>.</summary>
public enum ChangeDirection
{
    /// <summary>Larger is better (AUC, accuracy, NDCG, R²): a drop is a degradation.</summary>
    HigherIsBetter,

    /// <summary>Smaller is better (log-loss, RMSE, MAE): a rise is a degradation.</summary>
    LowerIsBetter,
}
