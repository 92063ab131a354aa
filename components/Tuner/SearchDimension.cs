using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>One dimension of a Tuner search space: a trainer option name (as in <see cref="LightGbmOptions"/>) and its range.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(FloatRange), "float")]
[JsonDerivedType(typeof(IntRange), "int")]
[JsonDerivedType(typeof(Choice), "choice")]
public abstract record SearchDimension(string Name)
{
    /// <summary>Draws a value (a JSON number) with <paramref name="random"/>.</summary>
    public abstract double Sample(Random random);
}

/// <summary>A real-valued range, uniform or log-uniform (e.g. LearningRate 0.01–0.3, log).</summary>
public sealed record FloatRange(string Name, double Min, double Max, bool LogScale = false) : SearchDimension(Name)
{
    /// <inheritdoc />
    public override double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return LogScale
            ? Math.Exp(Math.Log(Min) + (random.NextDouble() * (Math.Log(Max) - Math.Log(Min))))
            : Min + (random.NextDouble() * (Max - Min));
    }
}

/// <summary>An integer range, inclusive, uniform or log-uniform (e.g. NumberOfLeaves 8–128, log).</summary>
public sealed record IntRange(string Name, int Min, int Max, bool LogScale = false) : SearchDimension(Name)
{
    /// <inheritdoc />
    public override double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return LogScale
            ? Math.Clamp(Math.Round(Math.Exp(Math.Log(Min) + (random.NextDouble() * (Math.Log(Max + 0.999) - Math.Log(Min))))), Min, Max)
            : random.Next(Min, Max + 1);
    }
}

/// <summary>A choice among listed numbers (e.g. MinimumExampleCountPerLeaf 10, 20, 50).</summary>
public sealed record Choice(string Name, IReadOnlyList<double> Values) : SearchDimension(Name)
{
    /// <inheritdoc />
    public override double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Values[random.Next(Values.Count)];
    }
}
