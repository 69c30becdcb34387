'use strict';
// The wire values of docs/guides/wire.rst (FORMAT.md section 1): every integer is {"#bigint": "<decimal>"},
// enums are variants {"tag": "L1", "value": {"#tup": []}}, maps are {"#map": [[key, value], ...]} sorted by key.

const UNIT = { '#tup': [] };

function big(value) {
  return { '#bigint': BigInt(value).toString() };
}

function readBig(value, what) {
  if (value === null || typeof value !== 'object' || typeof value['#bigint'] !== 'string') {
    throw new Error(`${what}: expected {"#bigint": "..."}, got ${JSON.stringify(value)}`);
  }
  return BigInt(value['#bigint']);
}

function readTag(value, what) {
  if (value === null || typeof value !== 'object' || typeof value.tag !== 'string') {
    throw new Error(`${what}: expected a variant {"tag": ..., "value": ...}, got ${JSON.stringify(value)}`);
  }
  return value.tag;
}

function variant(tag, value = UNIT) {
  return { tag, value };
}

// A #map with integer keys: entries in numeric order of their keys (the canonical order).
function intMap(map, encodeValue) {
  const keys = [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { '#map': keys.map((key) => [big(key), encodeValue(map.get(key))]) };
}

// Event fields: integers as #bigint, strings and booleans as they are.
function eventValue(fields) {
  const out = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = typeof value === 'bigint' ? big(value) : value;
  }
  return out;
}

module.exports = { UNIT, big, readBig, readTag, variant, intMap, eventValue };
