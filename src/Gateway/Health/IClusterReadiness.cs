namespace Hyperion.Gateway.Health;

/// <summary>
/// Tells whether the cluster behind the gateway can take calls. The silo and the standalone gateway
/// each register their own: the silo knows its membership status, a client knows its connections.
/// </summary>
public interface IClusterReadiness
{
    ClusterReadinessReport Check();
}

/// <summary>The answer of <see cref="IClusterReadiness"/>, with a short description for operators.</summary>
public readonly record struct ClusterReadinessReport(bool IsReady, string Description);
