// The inference example end to end through a node's JSON-RPC gateway, with ethers:
// registers a model (hyperion_registerModel), deploys InferenceConsumer, calls classify(modelId, input) in a
// transaction, reads the stored output back, and asks the node to verify the call's pins (hyperion_verifyInference).
//   node examples/inference/run.js --rpc http://127.0.0.1:8545 --key 0x<private key> --onnx model.onnx [--cut hidden1]
//        --input 0x<little-endian float32 bytes>
// Prints one JSON object: {modelId, shards, contract, transactionHash, output, stored, event, verification}.
'use strict';
const fs = require('fs');
const { ethers } = require('ethers');
const { compile } = require('./compile.js');

function parseArgs(argv) {
  const args = { cut: [] };
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index].replace(/^--/, '');
    const value = argv[index + 1];
    if (name === 'cut') args.cut.push(value);
    else args[name] = value;
  }
  for (const required of ['rpc', 'key', 'onnx', 'input']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  return args;
}

function step(message) {
  console.error(`[run.js] ${message}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // cacheTimeout -1: ethers otherwise answers an identical request from the last 250 ms from its cache, and on a node
  // with short blocks the contract call's eth_getTransactionCount("pending") got the deployment's nonce back.
  const provider = new ethers.JsonRpcProvider(args.rpc, undefined, { staticNetwork: true, polling: true, pollingInterval: 100, cacheTimeout: -1 });
  const wallet = new ethers.Wallet(args.key, provider);
  if (process.env.HYPERION_RPC_DEBUG) {
    provider.on('debug', (event) => {
      if (event.action === 'sendRpcPayload') step(`-> ${JSON.stringify(event.payload).slice(0, 300)}`);
      if (event.action === 'receiveRpcResult') step(`<- ${JSON.stringify(event.result).slice(0, 300)}`);
      if (event.action === 'receiveRpcError') step(`<- error ${event.error}`);
    });
  }

  const onnx = ethers.hexlify(fs.readFileSync(args.onnx));
  step('registering the model');
  const registered = await provider.send('hyperion_registerModel', [{ name: 'example', onnx, cuts: args.cut }]);

  step(`model ${registered.modelId} (${registered.shards} shards); compiling and deploying the contract`);
  const { abi, bytecode } = compile();
  const factory = new ethers.ContractFactory(abi, bytecode, wallet);
  const contract = await factory.deploy();
  await contract.waitForDeployment();

  step(`contract at ${await contract.getAddress()}; calling classify`);
  const transaction = await contract.classify(registered.modelId, args.input);
  const receipt = await transaction.wait();
  if (receipt.status !== 1) throw new Error(`classify failed in ${receipt.hash}`);

  step(`transaction ${receipt.hash} in block ${receipt.blockNumber}; reading back and verifying`);
  const event = receipt.logs
    .map((log) => { try { return contract.interface.parseLog(log); } catch { return null; } })
    .find((parsed) => parsed && parsed.name === 'Inferred');
  const stored = await contract.lastOutput();
  const verification = await provider.send('hyperion_verifyInference', [receipt.hash]);

  process.stdout.write(JSON.stringify({
    modelId: registered.modelId,
    shards: registered.shards,
    contract: await contract.getAddress(),
    transactionHash: receipt.hash,
    gasUsed: receipt.gasUsed.toString(),
    output: event ? event.args.output : null,
    stored,
    pinLogs: receipt.logs.filter((log) => log.address.toLowerCase() === '0x0000000000000000000000000000000000000a11').length,
    verification,
  }));
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
