using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>A generated block with the state it runs on.</summary>
internal sealed record Workload(string Name, StateSnapshot PreState, EvmBlock Block);
