// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The Hyperion Grid inference precompile, as a contract sees it.
/// @notice `infer(modelId, input)` runs a registered model on the grid. For a model with one float32 input and one
/// float32 output, `input` and `output` are the tensor's elements as little-endian float32 bytes. Gas is charged from
/// the model's manifest before it runs; an unknown model or a wrong input length fails the call. Each call is pinned in
/// the receipt by an `InferencePinned` log from 0x…0a11, which `hyperion_verifyInference` re-checks.
interface IHyperionInference {
    function infer(bytes32 modelId, bytes calldata input) external view returns (bytes memory output);
}

/// @title Calls the inference precompile, stores the result and emits it.
contract InferenceConsumer {
    IHyperionInference public constant INFERENCE = IHyperionInference(address(0x0a11));

    bytes32 public lastModel;
    bytes public lastOutput;
    uint256 public calls;

    event Inferred(bytes32 indexed modelId, address indexed caller, bytes input, bytes output);

    /// @notice Runs `modelId` on `input`, keeps the output and emits it.
    function classify(bytes32 modelId, bytes calldata input) external returns (bytes memory output) {
        output = INFERENCE.infer(modelId, input);
        lastModel = modelId;
        lastOutput = output;
        calls += 1;
        emit Inferred(modelId, msg.sender, input, output);
    }
}
