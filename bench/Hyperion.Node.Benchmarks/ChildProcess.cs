using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hyperion.Node.Benchmarks;

/// <summary>
/// A node this benchmark started (the dev node through <c>dotnet exec</c>, or anvil), with a bounded tail of its output
/// kept for error messages. Disposing kills exactly that process, by its handle and never by name, and every process
/// still running is killed at exit or Ctrl-C, so that no node outlives the benchmark.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    /// <summary>Only the end of the output is ever shown (why a node failed to start or died), so 16 KiB is enough.</summary>
    private const int TailLimit = 16 * 1024;

    private static readonly ConcurrentDictionary<ChildProcess, byte> Running = new();

    private readonly Process _process;
    private readonly StringBuilder _tail = new();
    private int _disposed;

    static ChildProcess()
    {
        Console.CancelKeyPress += (_, _) => KillAll();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private ChildProcess(string name, ProcessStartInfo startInfo)
    {
        Name = name;
        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        if (!_process.Start())
        {
            throw new InvalidOperationException($"Could not start {name} ({startInfo.FileName}).");
        }

        Running[this] = 0;

        // Both streams are drained all the time: a node blocked on a full pipe would stall the measurement.
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>CPU time the process has used so far (all its threads), to tell a CPU-bound node from a waiting one.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The last lines the process wrote, stdout and stderr interleaved.</summary>
    public string OutputTail
    {
        get
        {
            lock (_tail)
            {
                return _tail.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/>; environment variables whose names start with
    /// one of <paramref name="removedEnvironmentPrefixes"/> are not passed on, so a node sees only what the benchmark sets,
    /// and <paramref name="environment"/> is added.
    /// </summary>
    public static ChildProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        IEnumerable<string>? removedEnvironmentPrefixes = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var prefix in removedEnvironmentPrefixes ?? [])
        {
            foreach (var variable in startInfo.Environment.Keys.Where(key => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                startInfo.Environment.Remove(variable);
            }
        }

        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[variable] = value;
        }

        return new ChildProcess(name, startInfo);
    }

    /// <summary>
    /// Calls <paramref name="probe"/> every 100 ms until it returns true. Fails with the output tail as soon as the
    /// process exits, or when <paramref name="timeout"/> passes (with the probe's last exception, if any).
    /// </summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        var lastProblem = "no answer yet";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready. Its output ended with:\n{OutputTail}");
            }

            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:F0} s ({lastProblem}). Its output ended with:\n{OutputTail}");
            }

            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                if (await probe(attempt.Token).ConfigureAwait(false))
                {
                    return;
                }

                lastProblem = "not ready yet";
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or JsonRpcException)
            {
                // Not listening yet, or listening but not serving yet: poll again shortly.
                lastProblem = exception.Message;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>Distinct TCP ports that were free on the loopback address a moment ago (all held at once, so distinct);
    /// a node that then fails to bind one shows as an early exit in <see cref="WaitUntilReadyAsync"/>.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Running.TryRemove(this, out _);
        try
        {
            if (!_process.HasExited)
            {
                // Exactly this process: both nodes run in the process that was started (dotnet exec hosts the silo in
                // itself), so there is no tree to walk.
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        _process.Dispose();
    }

    private static void KillAll()
    {
        foreach (var child in Running.Keys)
        {
            child.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.AppendLine(line);
            if (_tail.Length > TailLimit)
            {
                _tail.Remove(0, _tail.Length - (TailLimit / 2));
            }
        }
    }
}
