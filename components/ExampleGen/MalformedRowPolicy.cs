using System.Globalization;

namespace Pipelines.Components;

/// <summary>What happens to a malformed row: with <see cref="ExampleGenOptions.MaxMalformedFraction"/> 0 the first one fails
/// the node; otherwise rows are skipped and counted, and <see cref="Verify"/> fails when too many were.</summary>
internal sealed class MalformedRowPolicy
{
    private const int ExamplesKept = 5;
    private const string Hint = " (set ExampleGenOptions.MaxMalformedFraction above 0 to skip malformed rows)";
    private readonly double _maxFraction;
    private readonly List<string> _examples = [];

    /// <summary>Creates the policy.</summary>
    public MalformedRowPolicy(double maxFraction) => _maxFraction = maxFraction;

    /// <summary>Whether the first malformed row fails the node (readers may stop parsing at once).</summary>
    public bool IsFatal => _maxFraction <= 0;

    /// <summary>Rows skipped so far (for CSV, the physical lines the skipped records spanned).</summary>
    public long Skipped { get; private set; }

    /// <summary>The first few problems, for the log.</summary>
    public IReadOnlyList<string> Examples => _examples;

    /// <summary>Reports a malformed row.</summary>
    /// <param name="file">The file.</param>
    /// <param name="row">The 1-based line (text) or row index (Parquet).</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="rows">How many rows it counts as: a CSV record that spans several lines (a stray quote swallows every
    /// line up to the next quote) counts each line, as any of them may have been a row.</param>
    /// <exception cref="MalformedInputException">Malformed rows are not tolerated.</exception>
    public void Report(string file, long row, string reason, long rows = 1)
    {
        if (IsFatal)
        {
            throw new MalformedInputException(file, row, reason + Hint);
        }

        Skipped += Math.Max(1, rows);
        if (_examples.Count < ExamplesKept)
        {
            _examples.Add(rows > 1 ? $"'{file}' lines {row}-{row + rows - 1}: {reason}" : $"'{file}' row {row}: {reason}");
        }
    }

    /// <summary>Fails when skipped / (read + skipped) exceeds the tolerated fraction.</summary>
    public void Verify(long goodRows)
    {
        var total = goodRows + Skipped;
        if (Skipped == 0 || total == 0 || (double)Skipped / total <= _maxFraction)
        {
            return;
        }

        var fraction = ((double)Skipped / total).ToString("0.####", CultureInfo.InvariantCulture);
        throw new DataValidationException(
            $"{Skipped} of {total} rows are malformed (fraction {fraction}), more than MaxMalformedFraction {_maxFraction.ToString(CultureInfo.InvariantCulture)}. " +
            $"First problems: {string.Join("; ", _examples)}. Fix the input or raise ExampleGenOptions.MaxMalformedFraction.");
    }
}
