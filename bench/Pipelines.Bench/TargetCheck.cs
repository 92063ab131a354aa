using System.Globalization;

namespace Pipelines.Bench;

/// <summary>
/// One target of the issue and what was measured against it. Printed as MET / NOT MET; never asserted (a benchmark reports,
/// it does not fail a build on a noisy machine).
/// </summary>
/// <param name="Name">What is measured, e.g. "embedded median hop".</param>
/// <param name="Unit">The unit printed after the numbers, e.g. "ms".</param>
/// <param name="Limit">The target value.</param>
/// <param name="AtMost">True: measured ≤ limit meets it; false: measured ≥ limit meets it.</param>
/// <param name="Measured">The measured value; null when the case was skipped.</param>
/// <param name="SkipReason">Why it was not measured.</param>
public sealed record TargetCheck(string Name, string Unit, double Limit, bool AtMost, double? Measured, string? SkipReason = null)
{
    public bool Met => Measured is { } m && (AtMost ? m <= Limit : m >= Limit);

    public string TargetText => $"{(AtMost ? "≤" : "≥")} {Format(Limit)} {Unit}";

    public string Verdict => Measured is { } m
        ? $"{Name}: {Format(m)} {Unit} (target {TargetText}) — {(Met ? "MET" : "NOT MET")}"
        : $"{Name}: target {TargetText} — SKIPPED ({SkipReason})";

    // Small limits (an AUC difference of 0.002) keep their digits; everything else as before.
    private static string Format(double v) => v.ToString(Math.Abs(v) >= 100 ? "N0" : Math.Abs(v) is > 0 and < 0.1 ? "0.#####" : "0.##", CultureInfo.InvariantCulture);
}
