using System.Diagnostics.CodeAnalysis;

namespace Pipelines.Components;

/// <summary>
/// The metric names the <see cref="Evaluator"/> computes, as used in thresholds and in <c>evaluation.json</c>. Names are
/// matched case-insensitively. Per-class metrics of multiclass models are <c>Precision[class]</c> and <c>Recall[class]</c>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>binary</term><description><see cref="Auc"/>, <see cref="Auprc"/>, <see cref="LogLoss"/>, <see cref="Accuracy"/>,
/// <see cref="F1"/>, <see cref="Precision"/>, <see cref="Recall"/></description></item>
/// <item><term>multiclass</term><description><see cref="MicroAccuracy"/> (alias <see cref="Accuracy"/>),
/// <see cref="MacroAccuracy"/>, <see cref="LogLoss"/>, <c>Precision[c]</c>, <c>Recall[c]</c></description></item>
/// <item><term>regression</term><description><see cref="Rmse"/>, <see cref="Mae"/>, <see cref="RSquared"/></description></item>
/// <item><term>ranking</term><description><c>NDCG@k</c> (alias <see cref="Ndcg"/>)</description></item>
/// </list>
/// Every task also has <see cref="ExampleCount"/>.
/// </remarks>
public static class MetricNames
{
    /// <summary>Rows with a label in the slice.</summary>
    public const string ExampleCount = "ExampleCount";

    /// <summary>Area under the ROC curve (ties count one half).</summary>
    public const string Auc = "AUC";

    /// <summary>Area under the precision-recall curve, trapezoidal between thresholds (as ML.NET).</summary>
    public const string Auprc = "AUPRC";

    /// <summary>Mean negative natural log of the probability given to the true class (probabilities clipped at 1e-15).</summary>
    public const string LogLoss = "LogLoss";

    /// <summary>Share of correct predictions (binary); alias of <see cref="MicroAccuracy"/> for multiclass.</summary>
    public const string Accuracy = "Accuracy";

    /// <summary>Harmonic mean of precision and recall of the positive class.</summary>
    public const string F1 = "F1";

    /// <summary>Precision of the positive class: TP / (TP + FP).</summary>
    public const string Precision = "Precision";

    /// <summary>Recall of the positive class: TP / (TP + FN).</summary>
    public const string Recall = "Recall";

    /// <summary>Share of correct predictions over all rows.</summary>
    public const string MicroAccuracy = "MicroAccuracy";

    /// <summary>Mean over the classes present in the labels of each class's recall (as ML.NET).</summary>
    public const string MacroAccuracy = "MacroAccuracy";

    /// <summary>Root mean squared error.</summary>
    public const string Rmse = "RMSE";

    /// <summary>Mean absolute error.</summary>
    public const string Mae = "MAE";

    /// <summary>Coefficient of determination: 1 - SS_res / SS_tot.</summary>
    public const string RSquared = "RSquared";

    /// <summary>Normalized discounted cumulative gain at the configured k; stored as <c>NDCG@k</c>.</summary>
    public const string Ndcg = "NDCG";

    private static readonly HashSet<string> s_lowerIsBetter = new(StringComparer.OrdinalIgnoreCase) { LogLoss, Rmse, Mae };

    /// <summary>The metric names computed for <paramref name="task"/> (per-class names excluded).</summary>
    public static IReadOnlyList<string> For(EvaluationTask task, int ndcgAt = 10) => task switch
    {
        EvaluationTask.BinaryClassification => [ExampleCount, Auc, Auprc, LogLoss, Accuracy, F1, Precision, Recall],
        EvaluationTask.MulticlassClassification => [ExampleCount, MicroAccuracy, MacroAccuracy, LogLoss],
        EvaluationTask.Regression => [ExampleCount, Rmse, Mae, RSquared],
        _ => [ExampleCount, NdcgName(ndcgAt)],
    };

    /// <summary>The stored name of NDCG at <paramref name="k"/>, e.g. <c>NDCG@10</c>.</summary>
    public static string NdcgName(int k) => $"{Ndcg}@{k}";

    /// <summary>Whether smaller values are better (log-loss, RMSE, MAE).</summary>
    public static bool IsLowerBetter(string metric) => s_lowerIsBetter.Contains(metric);

    /// <summary>Whether <paramref name="metric"/> is a name some task computes (used to reject typos when a pipeline is defined).</summary>
    public static bool IsKnown(string metric)
    {
        if (string.IsNullOrWhiteSpace(metric))
        {
            return false;
        }

        if (TryParsePerClass(metric, out _, out _))
        {
            return true;
        }

        if (metric.StartsWith(Ndcg + "@", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(metric.AsSpan(Ndcg.Length + 1), out var k) && k > 0;
        }

        foreach (var task in Enum.GetValues<EvaluationTask>())
        {
            if (For(task).Contains(metric, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return string.Equals(metric, Ndcg, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The name under which <paramref name="metric"/> is stored for <paramref name="task"/> (resolves aliases and
    /// case), or null when the task does not compute it.</summary>
    public static string? Resolve(EvaluationTask task, string metric, int ndcgAt)
    {
        if (task == EvaluationTask.MulticlassClassification)
        {
            if (string.Equals(metric, Accuracy, StringComparison.OrdinalIgnoreCase))
            {
                return MicroAccuracy;
            }

            if (TryParsePerClass(metric, out var kind, out var cls))
            {
                return $"{kind}[{cls}]";
            }
        }

        if (task == EvaluationTask.Ranking && string.Equals(metric, Ndcg, StringComparison.OrdinalIgnoreCase))
        {
            return NdcgName(ndcgAt);
        }

        return For(task, ndcgAt).FirstOrDefault(m => string.Equals(m, metric, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Parses <c>Precision[c]</c> or <c>Recall[c]</c>.</summary>
    public static bool TryParsePerClass(string metric, [NotNullWhen(true)] out string? kind, [NotNullWhen(true)] out string? className)
    {
        kind = null;
        className = null;
        var open = metric.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0 || !metric.EndsWith(']'))
        {
            return false;
        }

        var head = metric[..open];
        kind = string.Equals(head, Precision, StringComparison.OrdinalIgnoreCase) ? Precision
            : string.Equals(head, Recall, StringComparison.OrdinalIgnoreCase) ? Recall
            : null;
        className = metric[(open + 1)..^1];
        return kind is not null;
    }
}
