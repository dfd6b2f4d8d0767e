using System.Reflection;
using System.Runtime.InteropServices;
using Hyperion.Gateway.JsonRpc;

namespace Hyperion.Gateway.Modules;

/// <summary>The <c>web3_</c> namespace.</summary>
public sealed class Web3Module : IRpcModule
{
    /// <summary>
    /// The client version in the usual <c>name/version/platform/runtime</c> shape, e.g.
    /// <c>HyperionGrid/v0.1.0/linux-x64/dotnet10</c>.
    /// </summary>
    public static string ClientVersion { get; } =
        $"HyperionGrid/v{ProductVersion(typeof(Web3Module).Assembly)}/{RuntimeInformation.RuntimeIdentifier}/dotnet{Environment.Version.Major}";

    public void RegisterMethods(RpcMethodTable methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        methods.Add("web3_clientVersion", GetClientVersion);
    }

    private static ValueTask<object?> GetClientVersion(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        return ValueTask.FromResult<object?>(ClientVersion);
    }

    /// <summary>The informational version without its build metadata (the <c>+commit</c> suffix).</summary>
    private static string ProductVersion(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        var metadataStart = informational.IndexOf('+', StringComparison.Ordinal);
        return metadataStart < 0 ? informational : informational[..metadataStart];
    }
}
