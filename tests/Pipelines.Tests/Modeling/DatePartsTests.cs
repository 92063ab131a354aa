using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Data;

namespace Pipelines.Tests.Modeling;

public sealed class DatePartsTests
{
    [Fact]
    public void Estimator_SavedAndLoaded_SplitsUtcTimestampsAndKeepsMissing()
    {
        var ml = new MLContext(seed: 1);
        // 2024-03-17 13:45:00 UTC was a Sunday.
        var seconds = new DateTimeOffset(2024, 3, 17, 13, 45, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var table = new ColumnarTable([new NumericColumn("date", [seconds, double.NaN], ColumnKind.Timestamp)]);
        var view = new ColumnarDataView(table);
        var model = DateParts.Estimator(ml, "date").Fit(view);

        var path = Path.Combine(Path.GetTempPath(), $"dateparts-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, view.Schema, path);
            var loaded = ModelLoader.Load(new MLContext(seed: 1), path, out var inputSchema);
            Assert.Equal(NumberDataViewType.Double, inputSchema["date"].Type);
            var output = loaded.Transform(view);
            float[] Column(string name) => output.GetColumn<float>(name).ToArray();
            Assert.Equal([13f, float.NaN], Column("date_hour"));
            Assert.Equal([0f, float.NaN], Column("date_weekday"));
            Assert.Equal([3f, float.NaN], Column("date_month"));
            Assert.Equal([17f, float.NaN], Column("date_day"));
            Assert.DoesNotContain(output.Schema, c => c.Name.StartsWith("__", StringComparison.Ordinal) || c.Name.StartsWith("DateParts", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("text", "'date' is String: CSV and JSON dates are read as text.")]
    [InlineData("missing", "DateParts needs the column 'date', which the data does not have.")]
    public void Estimator_DateThatIsTextOrMissing_NamesTheColumnAndTheFix(string kind, string expected)
    {
        var ml = new MLContext(seed: 1);
        var table = kind == "text"
            ? new ColumnarTable([new TextColumn("date", [0], ["2023-01-05 18:26:29"])])
            : new ColumnarTable([new NumericColumn("when", [1.0])]);
        var view = new ColumnarDataView(table);
        var estimator = DateParts.Estimator(ml, "date").Append(ml.Transforms.Concatenate("Features", "date_hour"));

        var fit = Assert.Throws<InvalidOperationException>(() => estimator.Fit(view));

        Assert.Contains(expected, fit.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("__dateparts_input", fit.Message, StringComparison.Ordinal);
    }
}
