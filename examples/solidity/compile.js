#!/usr/bin/env node
// Compile every *.sol of a folder with the pinned solc (npm package, WebAssembly build; nothing is downloaded
// at run time) and write one JSON file with each contract's ABI and creation bytecode.
//
//   node compile.js [--optimize] SOURCES_DIR OUT.json [SOURCES_DIR OUT.json ...]
//   node compile.js --jobs JOBS.json      JOBS: [{"sources": DIR, "out": FILE, "select": [FILE.sol, ...]}]
//
// Several pairs share one process, so the compiler loads once (the seeded bugs compile together). A job's
// `select` limits code generation to the contracts of those source files (all files are still parsed and
// checked); the seeded bugs use it to compile only what their patch changes.
// The optimizer is off by default: it does not change what the contracts do, and solc-js compiles these
// contracts about five times faster without it. Errors and warnings go to stderr; any error exits with
// status 1 and writes nothing for that pair.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const EVM_VERSION = 'cancun';

function readSources(dir) {
  const sources = {};
  for (const file of fs.readdirSync(dir).sort()) {
    if (file.endsWith('.sol')) sources[file] = { content: fs.readFileSync(path.join(dir, file), 'utf8') };
  }
  return sources;
}

function compile(sources, optimize, select) {
  const outputs = { '*': ['abi', 'evm.bytecode.object'] };
  const outputSelection = {};
  for (const unit of select || ['*']) outputSelection[unit] = outputs;
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: optimize, runs: 200 },
      evmVersion: EVM_VERSION,
      outputSelection,
    },
  };
  return JSON.parse(solc.compile(JSON.stringify(input)));
}

function build(sourcesDir, outPath, optimize, select) {
  const output = compile(readSources(sourcesDir), optimize, select);
  const problems = output.errors || [];
  for (const problem of problems) process.stderr.write(problem.formattedMessage + '\n');
  if (problems.some((problem) => problem.severity === 'error')) return false;
  const contracts = {};
  for (const unit of Object.keys(output.contracts || {}).sort()) {
    for (const [name, contract] of Object.entries(output.contracts[unit])) {
      contracts[name] = { source: unit, abi: contract.abi, bytecode: contract.evm.bytecode.object };
    }
  }
  const artifacts = { compiler: 'solc ' + solc.version(), evm_version: EVM_VERSION, optimizer: optimize, contracts };
  fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
  fs.writeFileSync(outPath, JSON.stringify(artifacts));
  return true;
}

function main() {
  const args = process.argv.slice(2);
  const optimize = args[0] === '--optimize';
  const rest = optimize ? args.slice(1) : args;
  let jobs = [];
  if (rest[0] === '--jobs' && rest.length === 2) {
    jobs = JSON.parse(fs.readFileSync(rest[1], 'utf8'));
  } else if (rest.length > 0 && rest.length % 2 === 0) {
    for (let index = 0; index < rest.length; index += 2) jobs.push({ sources: rest[index], out: rest[index + 1] });
  } else {
    process.stderr.write('usage: node compile.js [--optimize] SOURCES_DIR OUT.json [SOURCES_DIR OUT.json ...]\n' +
                         '       node compile.js [--optimize] --jobs JOBS.json\n');
    process.exit(2);
  }
  let ok = true;
  for (const job of jobs) {
    if (!build(job.sources, job.out, optimize, job.select)) {
      process.stderr.write(`compile.js: ${job.sources} did not compile\n`);
      ok = false;
    }
  }
  process.exit(ok ? 0 : 1);
}

main();
