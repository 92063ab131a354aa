namespace Pipelines.Components;

/// <summary>A pre-split input (TFX <c>input_config</c> split): every file matching <paramref name="Pattern"/> becomes split
/// <paramref name="Name"/>, without hashing.</summary>
/// <param name="Name">The output split name.</param>
/// <param name="Pattern">A file or directory path relative to <see cref="ExampleGenOptions.Input"/> (or absolute); may contain
/// <c>{SPAN}</c> and <c>{VERSION}</c>.</param>
public sealed record InputSplit(string Name, string Pattern);
