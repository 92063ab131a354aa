using System.Reflection;
using Microsoft.ML;

namespace Pipelines;

/// <summary>
/// Stops ML.NET work in progress when a token is cancelled. ML.NET's trainers (FastTree, its LightGBM trainer, the others)
/// and estimators check their context between iterations and throw <see cref="OperationCanceledException"/> once it is
/// cancelled, so a cancelled run or a Tuner trial out of its time budget stops within one iteration instead of finishing the
/// fit. The switch is <c>MLContext.CancelExecution</c>, which ML.NET keeps internal (it is public only in the experimental
/// <c>Microsoft.ML.Experimental</c> package, which is not served for ML.NET 5): it is called by reflection (ML.NET 5.0.1).
/// A cancelled context stays cancelled, so link one context per node's work.
/// </summary>
public static class MLContextCancellation
{
    private static readonly MethodInfo? s_cancelExecution =
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);

    /// <summary>Whether this ML.NET version has the switch; without it, fits run to their end as before.</summary>
    public static bool IsSupported => s_cancelExecution is not null;

    /// <summary>Cancels <paramref name="ml"/> when <paramref name="cancellationToken"/> is cancelled, until the returned
    /// registration is disposed.</summary>
    public static CancellationTokenRegistration Link(MLContext ml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return s_cancelExecution is null ? default : cancellationToken.Register(static state => s_cancelExecution!.Invoke(state, null), ml);
    }
}
