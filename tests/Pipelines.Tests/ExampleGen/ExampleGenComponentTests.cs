using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

public sealed class ExampleGenComponentTests : IDisposable
{
    private readonly ExampleGenHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Constructor_Parameter_ExposesParameterAndOutputs()
    {
        var input = new PipelineParameter("input", "data/penguins.csv");

        var node = new Components.ExampleGen(input);

        Assert.Equal("ExampleGen", node.Id);
        Assert.Equal(input with { IsPath = true }, Assert.Single(node.Parameters));
        Assert.Equal("examples", node.Outputs.Examples.Port);
        Assert.Equal(typeof(Examples), node.Outputs.Examples.ArtifactType);
        Assert.Equal("2", node.Version);
    }

    [Fact]
    public async Task Bind_ParameterValue_SubstitutedAndMadeAbsolute()
    {
        _harness.Write("other.csv", "a\n1\n2\n");
        var node = new Components.ExampleGen(new PipelineParameter("input", "missing.csv"), ExampleGenHarness.OneSplit());

        var run = await _harness.RunAsync(node, new Dictionary<string, string> { ["input"] = _harness.PathOf("other.csv") });

        Assert.Equal(2, run.Int64("row_count"));
        Assert.Contains(_harness.PathOf("other.csv").Replace("\\", "\\\\", StringComparison.Ordinal), run.OptionsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_RelativePath_ResolvedAgainstCurrentDirectory()
    {
        var node = new Components.ExampleGen("data/x.csv");

        var binding = node.Bind(new BindingContext("p", new Dictionary<string, string>(), _harness.Root));

        Assert.Contains(Path.GetFullPath("data/x.csv").Replace("\\", "\\\\", StringComparison.Ordinal), binding.OptionsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_ColumnKindsInAnyOrder_SameOptionsJson()
    {
        var a = new Components.ExampleGen("x.csv", new ExampleGenOptions
        {
            ColumnKinds = new Dictionary<string, ColumnKind> { ["b"] = ColumnKind.Text, ["a"] = ColumnKind.Numeric },
        });
        var b = new Components.ExampleGen("x.csv", new ExampleGenOptions
        {
            ColumnKinds = new Dictionary<string, ColumnKind> { ["a"] = ColumnKind.Numeric, ["b"] = ColumnKind.Text },
        });
        var context = new BindingContext("p", new Dictionary<string, string>(), _harness.Root);

        Assert.Equal(a.Bind(context).OptionsJson, b.Bind(context).OptionsJson);
    }

    [Theory]
    [InlineData("Splits")]
    [InlineData("MaxMalformedFraction")]
    [InlineData("MaxFieldLength")]
    [InlineData("Separator")]
    [InlineData("MissingValues")]
    public void Constructor_BadOption_NamesOption(string option)
    {
        var options = option switch
        {
            "Splits" => new ExampleGenOptions { Splits = [new("train", 1), new("train", 2)] },
            "MaxMalformedFraction" => new ExampleGenOptions { MaxMalformedFraction = 1.5 },
            "MaxFieldLength" => new ExampleGenOptions { MaxFieldLength = 0 },
            "MissingValues" => new ExampleGenOptions { MissingValues = ["NA", null!] },
            _ => new ExampleGenOptions { Separator = '"' },
        };

        var ex = Assert.Throws<ArgumentException>(() => new Components.ExampleGen("x.csv", options));

        Assert.Contains($"option {option}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ExampleGenComponentTests.cs", ex.Message, StringComparison.Ordinal);
    }
}
