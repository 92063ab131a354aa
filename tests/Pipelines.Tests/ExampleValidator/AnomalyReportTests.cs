using Pipelines.Tests.StatisticsGen;
using Pipelines.Validation;

namespace Pipelines.Tests.ExampleValidator;

public sealed class AnomalyReportTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task LoadAsync_SplitAndDatasetLevelAnomaliesWithoutColumn_RoundTrip()
    {
        var report = new AnomalyReport(
            [
                new Anomaly(Anomaly.DatasetSplit, null, AnomalyKind.InferredSchema, AnomalySeverity.Warning, "inferred"),
                new Anomaly("eval", null, AnomalyKind.EmptySplit, AnomalySeverity.Error, "empty"),
                new Anomaly("train", "Island", AnomalyKind.Drift, AnomalySeverity.Error, "drift", new AnomalyDetails(Observed: 0.2, Limit: 0.1)),
            ],
            Span: 4,
            BaselineSpan: 3,
            HasBaseline: true);
        var path = _temp.Combine("anomalies.json");

        await report.SaveAsync(path, CancellationToken.None);
        var loaded = await AnomalyReport.LoadAsync(path, CancellationToken.None);

        Assert.Equal(report.Anomalies, loaded.Anomalies);
        Assert.Equal((4L, 3L, true, 2, 1), (loaded.Span, loaded.BaselineSpan, loaded.HasBaseline, loaded.ErrorCount, loaded.WarningCount));
        Assert.Contains("\"column\": null", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }
}
