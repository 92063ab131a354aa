using System.Diagnostics;
using System.Text;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>
/// A pipeline program's <c>serve</c> verb as a real child process: started on the given arguments, ready once it prints
/// <c>ready: &lt;url&gt;</c>; disposing kills it (and only it, with its own children).
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "ready: ";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process) => _process = process;

    /// <summary>The URL the server printed in its ready line.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything the process wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet &lt;pipeline&gt;.dll serve &lt;args&gt;</c> in <paramref name="workingDirectory"/> and waits until it is ready.</summary>
    public static async Task<ServeProcess> StartAsync(string pipeline, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliProcess.PipelineAssembly(pipeline));
        info.ArgumentList.Add("serve");
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PIPELINES_DB"] = "";
        info.Environment.Remove("PIPELINES_API_KEY");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, isOutput: true);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, isOutput: false);
        process.Exited += (_, _) => server._ready.TrySetException(new InvalidOperationException("exited"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Url = await server._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"'serve {string.Join(' ', args)}' did not become ready ({e.Message}). Output:\n{server.Output}", e);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnLine(string? line, bool isOutput)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (isOutput && line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
        {
            _ready.TrySetResult(line[ReadyPrefix.Length..].Trim());
        }
    }
}
