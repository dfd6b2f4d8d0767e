using Hyperion.Core;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// The grains of the gateway's chain. The grain factory is looked up on first use rather than injected, so the
/// gateway's services still build where no Orleans client or silo is registered (a gateway configured without a
/// cluster, the dispatcher's own tests); there the chain methods answer with an error and the rest keep working.
/// </summary>
internal sealed class ChainGrains(IServiceProvider services, IOptions<GatewayOptions> options)
{
    private IGrainFactory? _grains;
    private IChainReaderGrain? _reader;
    private IBlockCoordinatorGrain? _coordinator;
    private ISequencerGrain? _sequencer;

    public ulong ChainId { get; } = options.Value.ChainId;

    public IChainReaderGrain Reader => _reader ??= Factory.GetChainReaderGrain(ChainId);

    public IBlockCoordinatorGrain Coordinator => _coordinator ??= Factory.GetBlockCoordinatorGrain(ChainId);

    public ISequencerGrain Sequencer => _sequencer ??= Factory.GetSequencerGrain(ChainId);

    public IAccountGrain Account(in Address address) => Factory.GetAccountGrain(ChainId, address);

    public IContractGrain Contract(in Address address) => Factory.GetContractGrain(ChainId, address);

    private IGrainFactory Factory => _grains ??= services.GetService<IGrainFactory>()
        ?? throw new RpcException(EthErrorCodes.ServerError, "this gateway is not connected to a Hyperion Grid cluster");
}
