using System.Text;
using System.Text.Json;
using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

/// <summary>A temp directory for input files and artifacts, and a way to run an ExampleGen node the way the orchestrator
/// does: bind, resolve external inputs, execute against a pending Examples artifact.</summary>
internal sealed class ExampleGenHarness : IDisposable
{
    private int _runs;

    public ExampleGenHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "examplegen-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Options that put every row in one split named <c>all</c>, in input order.</summary>
    public static ExampleGenOptions OneSplit(ExampleGenOptions? options = null) =>
        (options ?? new ExampleGenOptions()) with { Splits = [new SplitRatio("all", 1)] };

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public Task<ExampleGenRun> RunAsync(string relativeInput, ExampleGenOptions? options = null) =>
        RunAsync(new Components.ExampleGen(PathOf(relativeInput), options));

    public async Task<ExampleGenRun> RunAsync(Components.ExampleGen node, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var binding = node.Bind(new BindingContext("test", parameters ?? new Dictionary<string, string>(), Root));
        var external = await binding.ResolveExternalInputsAsync(CancellationToken.None);
        var outputDirectory = Path.Combine(Root, "artifacts", (++_runs).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(outputDirectory);
        var examples = (Examples)Artifact.Create(typeof(Examples), _runs, outputDirectory, new Dictionary<string, JsonElement>());
        var log = new List<string>();
        var context = new ExecutorContext(
            "test",
            node.Id,
            1,
            _runs,
            new Dictionary<string, IReadOnlyList<Artifact>>(),
            new Dictionary<string, Artifact> { ["examples"] = examples },
            external,
            TimeProvider.System,
            log.Add);
        await binding.ExecuteAsync(context, CancellationToken.None);
        return new ExampleGenRun(examples, context, external, binding.OptionsJson, log);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}

/// <summary>The result of one ExampleGen execution.</summary>
internal sealed record ExampleGenRun(
    Examples Examples, ExecutorContext Context, ExternalInputs External, string OptionsJson, IReadOnlyList<string> Log)
{
    public IReadOnlyDictionary<string, JsonElement> Properties => Context.OutputProperties("examples");

    public long Int64(string property) => Properties[property].GetInt64();

    public IReadOnlyList<string> SplitNames => SplitNamesProperty.Parse(Properties[SplitNamesProperty.Name].GetString());

    public Task<ColumnarTable> TableAsync(string split) => ColumnarFormat.ReadAsync(Examples.SplitUri(split), CancellationToken.None);
}
