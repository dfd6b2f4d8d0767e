using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Hyperion.Gateway.Tests;

/// <summary>
/// A node (silo or standalone gateway) run as a child process from its built assembly, with its
/// output captured. Disposing kills it if it is still running.
/// </summary>
internal sealed partial class NodeProcess : IDisposable
{
    public const int SigInt = 2;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(string assemblyPath, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string>? environment)
    {
        var startInfo = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // A process started with SIGINT ignored (a background job of a shell without job control)
        // passes that on, and .NET then never sees the signal. Reset it so the test measures the node.
        if (SigIntIgnoredHere())
        {
            startInfo.FileName = "env";
            startInfo.ArgumentList.Add("--default-signal=INT");
            startInfo.ArgumentList.Add(DotnetHost());
        }
        else
        {
            startInfo.FileName = DotnetHost();
        }

        startInfo.ArgumentList.Add("exec");
        startInfo.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The node must see only what the test sets.
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("HYPERION", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved.</summary>
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

    /// <summary>Starts the silo program (Hyperion.Silo.dll, built next to this test assembly).</summary>
    public static NodeProcess StartSilo(string workingDirectory, IEnumerable<string> arguments, IDictionary<string, string>? environment = null) =>
        new(typeof(Hyperion.Silo.NodeOptions).Assembly.Location, arguments, workingDirectory, environment);

    /// <summary>Starts the standalone gateway program (Hyperion.Gateway.dll).</summary>
    public static NodeProcess StartGateway(string workingDirectory, IEnumerable<string> arguments) =>
        new(typeof(GatewayOptions).Assembly.Location, arguments, workingDirectory, null);

    /// <summary>Polls <paramref name="url"/> until it answers 200, the process dies, or the deadline passes.</summary>
    public async Task WaitForOkAsync(HttpClient http, Uri url, TimeSpan deadline)
    {
        var stopwatch = Stopwatch.StartNew();
        string lastProblem = "no answer yet";
        while (stopwatch.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The node exited with code {_process.ExitCode} before {url} answered.\n{Output}");
            }

            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await http.GetAsync(url, attempt.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                lastProblem = exception.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{url} did not answer 200 within {deadline} ({lastProblem}).\n{Output}");
    }

    /// <summary>Sends a POSIX signal to exactly this process.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>The exit code, or null if the process is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        _process.Dispose();
    }

    /// <summary>Distinct TCP ports that were free on the loopback address a moment ago.</summary>
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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH under dotnet test).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var processPath = Environment.ProcessPath;
        return processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet";
    }

    private static bool SigIntIgnoredHere()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var ignored)
            && (ignored & (1UL << (SigInt - 1))) != 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
