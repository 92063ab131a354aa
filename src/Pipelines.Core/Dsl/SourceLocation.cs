namespace Pipelines;

/// <summary>Where in the user's code a component or pipeline was declared, for error messages.</summary>
/// <param name="File">The source file path as the compiler saw it.</param>
/// <param name="Line">The line number.</param>
public sealed record SourceLocation(string File, int Line)
{
    /// <summary>Unknown location.</summary>
    public static SourceLocation Unknown { get; } = new("", 0);

    /// <inheritdoc />
    public override string ToString() => Line == 0 ? "(unknown location)" : $"{Path.GetFileName(File)}:{Line}";
}
