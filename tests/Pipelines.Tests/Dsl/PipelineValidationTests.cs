namespace Pipelines.Tests.Dsl;

public sealed class PipelineValidationTests
{
    [Fact]
    public void Constructor_DuplicateIds_NamesBothNodesAndTheirLocations()
    {
        var a = new Node("same");
        var b = new Node("same");
        var ex = Assert.Throws<PipelineDefinitionException>(() => new Pipeline("p", [a, b]));
        Assert.Contains("Two nodes have the id 'same'", ex.Message);
        Assert.Contains("PipelineValidationTests.cs:", ex.Message);
    }

    [Fact]
    public void Constructor_UnconnectedRequiredInput_NamesNodePortAndExpectedType()
    {
        var a = new Node("a", [("examples", typeof(Examples), null, true)]);
        var ex = Assert.Throws<PipelineDefinitionException>(() => new Pipeline("p", [a]));
        Assert.Contains("Node 'a'", ex.Message);
        Assert.Contains("required input 'examples' (Examples) is not connected", ex.Message);
    }

    [Fact]
    public void Constructor_UnconnectedOptionalInput_IsAccepted()
    {
        var a = new Node("a", [("baseline", typeof(Examples), null, false)]);
        Assert.Single(new Pipeline("p", [a]).Components);
    }

    [Fact]
    public void Constructor_TypeMismatch_NamesExpectedAndActualTypes()
    {
        var a = new Node("a");
        var b = new Node("b", [("schema", typeof(Schema), a.Out, true)]);
        var ex = Assert.Throws<PipelineDefinitionException>(() => new Pipeline("p", [a, b]));
        Assert.Contains("Node 'b'", ex.Message);
        Assert.Contains("input 'schema' expects Schema but is wired to a.out (Examples), which carries Examples", ex.Message);
    }

    [Fact]
    public void Constructor_Cycle_ListsTheNodesOfTheCycle()
    {
        var a = new Node("a", [("in", typeof(Examples), null, false)]);
        var b = new Node("b", [("in", typeof(Examples), a.Out, true)]);
        var c = new Node("c", [("in", typeof(Examples), b.Out, true)]);
        a.Connect("in", c.Out);
        var ex = Assert.Throws<PipelineDefinitionException>(() => new Pipeline("p", [a, b, c]));
        Assert.Contains("has a cycle", ex.Message);
        Assert.Contains("'a'", ex.Message);
        Assert.Contains("'b'", ex.Message);
        Assert.Contains("'c'", ex.Message);
    }

    [Fact]
    public void Constructor_ChannelFromNodeOutsidePipeline_SaysToAddIt()
    {
        var outside = new Node("outside");
        var b = new Node("b", [("in", typeof(Examples), outside.Out, true)]);
        var ex = Assert.Throws<PipelineDefinitionException>(() => new Pipeline("p", [b]));
        Assert.Contains("node 'outside'", ex.Message);
        Assert.Contains("is not in pipeline 'p'", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Penguin")]
    [InlineData("has space")]
    [InlineData("1abc")]
    public void Constructor_InvalidName_Throws(string name)
    {
        var ex = Assert.Throws<PipelineDefinitionException>(() => new Pipeline(name, [new Node("a")]));
        Assert.Contains("is invalid", ex.Message);
    }

    [Fact]
    public void Components_AreTopologicallyOrderedAndEdgesKnown()
    {
        var d = new Node("d", [("x", typeof(Examples), null, false)]);
        var a = new Node("a");
        var b = new Node("b", [("in", typeof(Examples), a.Out, true)]);
        var c = new Node("c", [("in", typeof(ExampleStatistics), a.Stats, true), ("in2", typeof(Examples), b.Out, true)]);
        d.Connect("x", c.Out);
        var pipeline = new Pipeline("p", [d, c, b, a]);
        Assert.Equal(["a", "b", "c", "d"], pipeline.Components.Select(x => x.Id));
        Assert.Equal(["a", "b"], pipeline.ParentsOf("c"));
        Assert.Equal(["b", "c"], pipeline.ChildrenOf("a"));
        Assert.Equal(new HashSet<string> { "b", "c", "d" }, pipeline.DescendantsOf("a"));
    }

    [Fact]
    public void Connect_UnknownPort_ListsDeclaredPorts()
    {
        var a = new Node("a", [("in", typeof(Examples), null, false)]);
        var ex = Assert.Throws<PipelineDefinitionException>(() => a.Connect("nope", a.Out));
        Assert.Contains("has no input port 'nope'", ex.Message);
        Assert.Contains("Declared inputs: in", ex.Message);
    }
}

public sealed class RunAfterTests
{
    [Fact]
    public void RunAfter_AddsAnOrderingEdgeWithoutData()
    {
        var a = new Node("a");
        var gate = new Node("gate", [("in", typeof(Examples), a.Out, true)]);
        var train = new Node("train", [("in", typeof(Examples), a.Out, true)]);
        train.RunAfter(gate);
        var pipeline = new Pipeline("p", [a, train, gate]);
        Assert.Equal(["a", "gate", "train"], pipeline.Components.Select(c => c.Id));
        Assert.Equal(["a", "gate"], pipeline.ParentsOf("train"));
        Assert.Contains("train", pipeline.DescendantsOf("gate"));
    }

    [Fact]
    public void RunAfter_NodeOutsidePipeline_IsRejected()
    {
        var outside = new Node("outside");
        var a = new Node("a");
        a.RunAfter(outside);
        var ex = Assert.Throws<PipelineDefinitionException>(() => new Pipeline("p", [a]));
        Assert.Contains("runs after node 'outside'", ex.Message);
    }

    [Fact]
    public void RunAfter_Cycle_IsRejected()
    {
        var a = new Node("a");
        var b = new Node("b", [("in", typeof(Examples), a.Out, true)]);
        a.RunAfter(b);
        Assert.Contains("has a cycle", Assert.Throws<PipelineDefinitionException>(() => new Pipeline("p", [a, b])).Message);
    }
}
