#!/usr/bin/env node
'use strict';
// The icn-conformance-adapter/1 protocol (docs/guides/wire.rst): one JSON request per line on stdin, one JSON
// answer per line on stdout, in order. Run: icnspec conform --vectors DIR --impl-cmd "node adapter.js"

const readline = require('node:readline');
const { Ledger, encodeEvents } = require('./ledger');
const { UNIT, readBig, readTag, variant } = require('./itf');

const OPERATIONS = ['Transfer', 'Mint', 'BridgeDeposit', 'BridgeWithdraw', 'FinalizeBridgeWithdrawal',
  'ClaimAllocation', 'AdvanceEra'];
const FIELDS = ['l1_balances', 'l2_balances', 'bridge_escrow', 'bridge_withdrawals', 'allocations',
  'next_id.bridge_withdrawal', 'genesis_day', 'era', 'era_start_block'];
// How each operation's fields are read: integers, or enum variants read by their tag.
const FIELD_KINDS = {
  sender: 'int', to: 'int', amount: 'int', withdrawal: 'int', block: 'int', chain: 'enum', bucket: 'enum',
};

function readAction(action) {
  const name = readTag(action, 'action');
  const fields = {};
  for (const [key, value] of Object.entries(action.value)) {
    fields[key] = FIELD_KINDS[key] === 'enum' ? readTag(value, key) : readBig(value, key);
  }
  return { name, fields };
}

let ledger = null;

function answer(request) {
  switch (request.type) {
    case 'hello':
      return { type: 'hello', protocol: 'icn-conformance-adapter/1', implementation: 'icn-node-ledger 0.1.0',
        operations: OPERATIONS, fields: FIELDS };
    case 'reset':
      ledger = new Ledger(request.genesis);
      return { type: 'ok' };
    case 'apply': {
      const { name, fields } = readAction(request.action);
      if (!OPERATIONS.includes(name)) return { type: 'unsupported', message: `${name} is not in the ledger port` };
      const outcome = ledger.apply(name, fields);
      const value = outcome.accepted ? variant('Accepted') : variant('Rejected', variant(outcome.reason, UNIT));
      return { type: 'outcome', outcome: value, events: encodeEvents(outcome.events) };
    }
    case 'project':
      return { type: 'state', state: ledger.project() };
    default:
      return { type: 'error', message: `unknown request type ${JSON.stringify(request.type)}` };
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    process.stdout.write(JSON.stringify({ type: 'error', message: `not JSON: ${error.message}` }) + '\n');
    return;
  }
  if (request.type === 'bye') {
    lines.close();
    return;
  }
  let reply;
  try {
    reply = answer(request);
  } catch (error) {
    process.stderr.write(`icn-node-ledger error: ${error.message}\n`);
    reply = { type: 'error', message: error.message };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
