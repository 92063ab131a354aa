using System.Text.Json;
using Pipelines.Components;
using Pipelines.IntegrationTests.TestKit;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>
/// InfraValidator's executor, as the runner calls it, on copies of the fixture's penguin model: the server is the real
/// <c>penguin serve</c> child process (ServerCommand, since the test host is not a pipeline program).
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class InfraValidatorTests(PenguinCliFixture penguin) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<string> _log = [];

    public void Dispose() => _temp.Dispose();

    private static IReadOnlyList<string> PenguinServer => ["dotnet", CliProcess.PipelineAssembly("penguin")];

    /// <summary>A copy of the fixture's model in a folder only this test uses (so its server process can be found by it).</summary>
    private string CopyModel()
    {
        var copy = Path.Combine(_temp.Path, "model-" + Guid.NewGuid().ToString("N"));
        PushLayout.CopyDirectory(penguin.Model.Uri, copy);
        return copy;
    }

    private Model ModelAt(string directory, string contentHash) =>
        (Model)Artifact.Create(typeof(Model), penguin.Model.Id, directory, penguin.Model.Properties, contentHash);

    private async Task<(InfraBlessing Blessing, ExecutorContext Context, JsonElement Report)> ValidateAsync(Model model, InfraValidatorOptions options)
    {
        var uri = Directory.CreateDirectory(Path.Combine(_temp.Path, "blessing-" + Guid.NewGuid().ToString("N"))).FullName;
        var blessing = (InfraBlessing)Artifact.Create(typeof(InfraBlessing), 9_001, uri, new Dictionary<string, JsonElement>());
        var inputs = new Dictionary<string, IReadOnlyList<Artifact>> { ["model"] = [model], ["examples"] = [penguin.Examples] };
        var context = new ExecutorContext("penguin", "InfraValidator", 1, 2, inputs, new Dictionary<string, Artifact> { ["blessing"] = blessing },
            ExternalInputs.None, TimeProvider.System, _log.Add);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await new InfraValidatorExecutor().ExecuteAsync(context, options, timeout.Token);
        var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(uri, InfraValidatorExecutor.ReportFileName))).RootElement.Clone();
        return (blessing, context, report);
    }

    private static void AssertNotBlessed(InfraBlessing blessing, ExecutorContext context, string reason, params string[] details)
    {
        var properties = context.OutputProperties("blessing");
        Assert.Equal(0, properties["blessed"].GetInt32());
        var recorded = properties["reason"].GetString()!;
        Assert.StartsWith(reason + ": ", recorded);
        Assert.All(details, d => Assert.Contains(d, recorded));
        Assert.False(File.Exists(Path.Combine(blessing.Uri, InfraValidatorExecutor.BlessedFileName)));
        var marker = File.ReadAllText(Path.Combine(blessing.Uri, InfraValidatorExecutor.NotBlessedFileName));
        Assert.Contains($"not blessed: {reason}: ", marker);
    }

    private static void AssertNoProcessServes(string modelDirectory)
    {
        Skip.IfNot(ProcessTable.IsSupported, "process command lines are read from /proc");
        var left = ProcessTable.WithCommandLineContaining(modelDirectory);
        Assert.True(left.Count == 0, $"process(es) {string.Join(", ", left)} serving '{modelDirectory}' outlived the InfraValidator");
    }

    [SkippableFact]
    public async Task InfraValidator_ModelBytesDoNotMatchTheRecordedHash_NotBlessedFailedToLoadAndNoServerProcessLeft()
    {
        var copy = CopyModel();
        var file = Path.Combine(copy, Trainer.ModelFileName);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 3] ^= 0x21;
        await File.WriteAllBytesAsync(file, bytes);
        AssertNoProcessServes(copy);

        var (blessing, context, report) = await ValidateAsync(ModelAt(copy, penguin.Model.ContentHash!), new InfraValidatorOptions { ServerCommand = PenguinServer });

        AssertNotBlessed(blessing, context, "failed to load", "exited with code 2", "changed or truncated", $"recorded {penguin.Model.ContentHash![..16]}");
        Assert.Equal("failed to load", report.GetProperty("reason").GetString());
        Assert.Equal(0, report.GetProperty("requests").GetInt32());
        AssertNoProcessServes(copy);
    }

    [SkippableFact]
    public async Task InfraValidator_TruncatedModelZipWithItsOwnHash_NotBlessedFailedToLoadWithTheLoadErrorAndNoServerProcessLeft()
    {
        // The hash matches (recorded after the damage), so it is ML.NET's load that fails, inside the server process.
        var copy = CopyModel();
        var file = Path.Combine(copy, Trainer.ModelFileName);
        var bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(file, bytes[..(bytes.Length / 2)]);
        var (hash, _) = await DirectoryHash.ComputeAsync(copy, CancellationToken.None);

        var (blessing, context, _) = await ValidateAsync(ModelAt(copy, hash), new InfraValidatorOptions { ServerCommand = PenguinServer });

        AssertNotBlessed(blessing, context, "failed to load", "exited with code 2", "cannot be loaded as an ML.NET model");
        AssertNoProcessServes(copy);
    }

    [SkippableFact]
    public async Task InfraValidator_ServerProgramExitsAtOnce_NotBlessedFailedToLoadWithTheExitCodeAndItsOutput()
    {
        Skip.If(OperatingSystem.IsWindows(), "the stand-in server is a POSIX shell command");
        var copy = CopyModel();
        var (blessing, context, report) = await ValidateAsync(ModelAt(copy, penguin.Model.ContentHash!), new InfraValidatorOptions
        {
            ServerCommand = ["sh", "-c", "echo 'no model server in this image' >&2; exit 3", "sh"],
        });

        AssertNotBlessed(blessing, context, "failed to load", "exited with code 3", "no model server in this image");
        Assert.Equal(0, report.GetProperty("requests").GetInt32());
        AssertNoProcessServes(copy);
    }

    [SkippableFact]
    public async Task InfraValidator_ServerProgramDoesNotExist_NotBlessedFailedToLoadSayingItCouldNotBeStarted()
    {
        var missing = Path.Combine(_temp.Path, "no-such-model-server");
        var (blessing, context, report) = await ValidateAsync(ModelAt(CopyModel(), penguin.Model.ContentHash!), new InfraValidatorOptions
        {
            ServerCommand = [missing, "--flag"],
        });

        AssertNotBlessed(blessing, context, "failed to load", $"the server process '{missing} --flag' could not be started");
        Assert.Equal(0, report.GetProperty("requests").GetInt32());
    }

    [SkippableFact]
    public async Task InfraValidator_ServerNotReadyWithinTheStartupTimeout_NotBlessedTimedOutAndTheStartingServerIsKilled()
    {
        // The real server cannot start in 50 ms: it is still starting (alive) when the InfraValidator gives up and must kill it.
        var copy = CopyModel();
        var (blessing, context, _) = await ValidateAsync(ModelAt(copy, penguin.Model.ContentHash!), new InfraValidatorOptions
        {
            ServerCommand = PenguinServer,
            StartupTimeoutSeconds = 0.05,
        });

        AssertNotBlessed(blessing, context, "timed out", "did not report ready");
        AssertNoProcessServes(copy);
    }

    [SkippableFact]
    public async Task InfraValidator_IntactModel_BlessedWithServedPredictionsEqualToInProcessAndTheServerStopped()
    {
        var copy = CopyModel();
        var (blessing, context, report) = await ValidateAsync(ModelAt(copy, penguin.Model.ContentHash!), new InfraValidatorOptions
        {
            ServerCommand = PenguinServer,
            Requests = 40,

            // Latency is not what this test is about (a loaded CI machine); InfraValidator_LatencyOverTheBound covers the bound.
            MaxP99LatencyMs = 10_000,
        });

        var properties = context.OutputProperties("blessing");
        Assert.True(properties["blessed"].GetInt32() == 1, string.Join("\n", _log));
        Assert.True(File.Exists(Path.Combine(blessing.Uri, InfraValidatorExecutor.BlessedFileName)));
        Assert.False(properties.ContainsKey("reason"));
        Assert.Equal(32, report.GetProperty("canary_rows").GetInt32());
        Assert.Equal(41, report.GetProperty("requests").GetInt32());
        Assert.Empty(report.GetProperty("mismatches").EnumerateArray());
        Assert.True(properties["p99_ms"].GetDouble() >= properties["p50_ms"].GetDouble());
        Assert.Contains(_log, l => l.Contains("ready at http://127.0.0.1:", StringComparison.Ordinal));
        AssertNoProcessServes(copy);
    }

    [SkippableFact]
    public async Task InfraValidator_LatencyOverTheBound_NotBlessedTooSlowAndTheServerStopped()
    {
        var copy = CopyModel();
        var (blessing, context, report) = await ValidateAsync(ModelAt(copy, penguin.Model.ContentHash!), new InfraValidatorOptions
        {
            ServerCommand = PenguinServer,
            Requests = 10,
            MaxP99LatencyMs = 0.001,
        });

        AssertNotBlessed(blessing, context, "too slow", "exceeds MaxP99LatencyMs 0.001");
        Assert.Empty(report.GetProperty("mismatches").EnumerateArray());
        AssertNoProcessServes(copy);
    }
}
