using System.Text.Json;

namespace Pipelines.Components;

/// <summary><c>infra_validation.json</c>: what InfraValidator measured and decided.</summary>
public sealed class InfraValidationReport
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The model validated.</summary>
    public long ModelId { get; set; }

    /// <summary>Whether it served correctly and fast enough.</summary>
    public bool Blessed => Reason is null;

    /// <summary>Why not: <c>failed to load</c>, <c>timed out</c>, <c>request failed</c>, <c>wrong predictions</c>, <c>too slow</c>.</summary>
    public string? Reason { get; private set; }

    /// <summary>The details of the reason.</summary>
    public string? Detail { get; private set; }

    /// <summary>Seconds from starting the process to ready.</summary>
    public double StartupSeconds { get; set; }

    /// <summary>Canary rows sent.</summary>
    public int CanaryRows { get; set; }

    /// <summary>Requests sent (one batch and the single-row ones).</summary>
    public int Requests { get; set; }

    /// <summary>Median single-row latency (ms).</summary>
    public double P50Ms { get; set; }

    /// <summary>99th percentile single-row latency (ms).</summary>
    public double P99Ms { get; set; }

    /// <summary>Slowest single-row request (ms).</summary>
    public double MaxMs { get; set; }

    /// <summary>Served values that differ from the in-process ones (at most 20 kept).</summary>
    public List<PredictionMismatch> Mismatches { get; } = [];

    /// <summary>Records the first failure (later ones do not replace it).</summary>
    public void Verdict(string reason, string detail)
    {
        if (Reason is null)
        {
            Reason = reason;
            Detail = detail;
        }
    }

    /// <summary>Records a mismatch.</summary>
    public void Mismatch(int row, string output, string served, string expected)
    {
        if (Mismatches.Count < 20)
        {
            Mismatches.Add(new PredictionMismatch(row, output, served, expected));
        }
    }

    /// <summary>Writes the report.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, this, s_json, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One served value that differs from the in-process prediction.</summary>
/// <param name="Row">The canary row.</param>
/// <param name="Output">Which value (<c>score</c>, <c>probability</c>, <c>scores[class]</c>).</param>
/// <param name="Served">What the server answered.</param>
/// <param name="Expected">What the pipeline computed in process.</param>
public sealed record PredictionMismatch(int Row, string Output, string Served, string Expected);
