namespace Pipelines.Components;

/// <summary>Counts of (true class, predicted class) of a multiclass model on one slice.</summary>
/// <param name="Classes">The classes, in the order of rows and columns.</param>
/// <param name="Counts"><c>Counts[i][j]</c> = rows of class <c>Classes[i]</c> predicted as <c>Classes[j]</c>.</param>
public sealed record ConfusionMatrix(IReadOnlyList<string> Classes, IReadOnlyList<IReadOnlyList<long>> Counts);
