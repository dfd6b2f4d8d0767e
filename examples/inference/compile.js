// Compiles InferenceConsumer.sol with solc-js (the npm `solc` package at the repository root).
// As a command, prints {"abi": [...], "bytecode": "0x...", "deployedBytecode": "0x...", "solc": "<version>"} on stdout:
//   node examples/inference/compile.js
// As a module: require('./compile.js').compile() returns the same object.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const file = 'InferenceConsumer.sol';

function compile() {
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: fs.readFileSync(path.join(__dirname, file), 'utf8') } },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };

  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((error) => error.severity === 'error');
  if (errors.length > 0) {
    throw new Error(errors.map((error) => error.formattedMessage).join('\n'));
  }

  const contract = output.contracts[file].InferenceConsumer;
  return {
    abi: contract.abi,
    bytecode: '0x' + contract.evm.bytecode.object,
    deployedBytecode: '0x' + contract.evm.deployedBytecode.object,
    solc: solc.version(),
  };
}

module.exports = { compile };

if (require.main === module) {
  try {
    process.stdout.write(JSON.stringify(compile()));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
