using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Pipelines.Components;

/// <summary>
/// The model server as a child process: started with <c>serve --model-dir ... --urls http://127.0.0.1:0</c>, ready when it prints
/// <c>ready: &lt;url&gt;</c> on standard output (the <c>serve</c> verb's contract), stopped with its whole process tree.
/// </summary>
internal sealed class ModelServerProcess : IAsyncDisposable
{
    /// <summary>The line prefix the <c>serve</c> verb prints once it listens.</summary>
    public const string ReadyPrefix = "ready: ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ModelServerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The process id, for messages.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The command that runs this program again (apphost, or <c>dotnet program.dll</c>).</summary>
    public static IReadOnlyList<string> CurrentProgram()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The current process has no executable path; set InfraValidatorOptions.ServerCommand.");
        var isMuxer = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        if (!isMuxer)
        {
            return [host];
        }

        var entry = Assembly.GetEntryAssembly()?.Location;
        return string.IsNullOrEmpty(entry)
            ? throw new InvalidOperationException("Cannot tell which program to start as the model server; set InfraValidatorOptions.ServerCommand.")
            : [host, entry];
    }

    /// <summary>Starts the process; it is running (or already failed) when this returns.</summary>
    public static ModelServerProcess Start(IReadOnlyList<string> command, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1).Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        // The server needs no metadata store (it is given the hash to check); do not hand it the connection string. It listens on
        // loopback for this node only, so an API key of the host's environment would only make every canary a 401.
        info.Environment.Remove("PIPELINES_DB");
        info.Environment.Remove("PIPELINES_API_KEY");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ModelServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, isOutput: true);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, isOutput: false);
        process.Exited += (_, _) => server._ready.TrySetException(new InvalidOperationException("exited"));
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for the ready line. Returns the URL, or null with the reason (exited, timed out).</summary>
    public async Task<(string? Url, string? Problem, bool TimedOut)> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var url = await _ready.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return (url, null, false);
        }
        catch (TimeoutException)
        {
            return (null, $"the server did not report ready within {timeout.TotalSeconds:0} s. Its output: {Tail()}", true);
        }
        catch (InvalidOperationException)
        {
            // Let the output readers drain what the process wrote before it exited.
            await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (null, $"the server exited with code {_process.ExitCode} before it was ready. Its output: {Tail()}", false);
        }
    }

    /// <summary>The last lines the process wrote (stdout and stderr).</summary>
    public string Tail()
    {
        lock (_output)
        {
            var text = _output.ToString().Trim();
            return text.Length == 0 ? "(nothing)" : text.Length > 2000 ? "..." + text[^2000..] : text;
        }
    }

    /// <summary>Stops the process and its children, and waits for them to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
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

        if (isOutput && line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
        {
            _ready.TrySetResult(line[ReadyPrefix.Length..].Trim());
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 20_000)
            {
                _output.Remove(0, _output.Length - 10_000);
            }
        }
    }
}
