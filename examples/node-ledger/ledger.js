'use strict';
// The ICN ledger mechanism, ported from the docs: "Token, bridge and genesis allocations" (docs/mechanisms/
// ledger.rst), the wire page (docs/guides/wire.rst) and the clock of the eras chapter. Integers are BigInt.

const { big, intMap, variant, eventValue } = require('./itf');

const ICNT = 10n ** 18n;
const BPS = 10000n;
const BRIDGE_ADDRESS = 1n;
// Genesis allocations (wire page, "allocations"): fixed amounts, not parameters.
const ALLOCATED = {
  team: 154700000n * ICNT,
  investors: 150500000n * ICNT,
  devco: 37800000n * ICNT,
  ecodev_fund: 70000000n * ICNT,
  partner_fund: 77000000n * ICNT,
};
const CLAIMABLE = Object.keys(ALLOCATED);
// Holdings outside this port that the L1 supply cap counts (wire page: link_pool, reward_reserve at genesis).
const LINK_POOL = 140000000n * ICNT;
const REWARD_RESERVE = 70000000n * ICNT;

class Rejected extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

function require_(condition, reason) {
  if (!condition) throw new Rejected(reason);
}

class Ledger {
  constructor(genesis) {
    this.params = {};
    for (const [name, value] of Object.entries(genesis.params)) this.params[name] = BigInt(value['#bigint']);
    this.genesisDay = BigInt(genesis.genesis_day['#bigint']);
    this.era = 0n;
    this.eraStartBlock = 0n;
    this.l1 = new Map();
    this.l2 = new Map();
    this.escrow = 0n;
    this.withdrawals = new Map();
    this.nextWithdrawal = 0n;
    this.tokenOwners = new Set();
    if (genesis.role_holders.token_owner) this.tokenOwners.add(BigInt(genesis.role_holders.token_owner['#bigint']));
    this.allocations = {};
    for (const bucket of CLAIMABLE) {
      const beneficiary = BigInt(genesis.beneficiaries[bucket]['#bigint']);
      this.allocations[bucket] = { beneficiary, allocated: ALLOCATED[bucket], released: 0n };
    }
  }

  // --- shared checks, in the order every handler makes them
  requireAddress(account) {
    require_(account > 0n, 'INVALID_ADDRESS');
  }

  requireAmount(amount) {
    if (amount === 0n) throw new Rejected('ZERO_AMOUNT');
    require_(amount > 0n, 'NEGATIVE_VALUE');
  }

  balances(chain) {
    return chain === 'L1' ? this.l1 : this.l2;
  }

  requireBalance(chain, account, amount) {
    require_((this.balances(chain).get(account) || 0n) >= amount, 'INSUFFICIENT_BALANCE');
  }

  credit(chain, account, amount) {
    const balances = this.balances(chain);
    balances.set(account, (balances.get(account) || 0n) + amount);
  }

  debit(chain, account, amount) {
    const balances = this.balances(chain);
    const left = (balances.get(account) || 0n) - amount;
    if (left === 0n) balances.delete(account);
    else balances.set(account, left);
  }

  // --- the calendar: days since TGE, whole days only (rounded down)
  day() {
    return this.genesisDay + this.era / this.params.eras_per_day;
  }

  static linear(amount, elapsed, duration) {
    if (elapsed <= 0n) return 0n;
    if (elapsed >= duration) return amount;
    return (amount * elapsed) / duration;
  }

  unlocked(bucket) {
    const day = this.day();
    const month = this.params.days_per_month;
    const allocated = ALLOCATED[bucket];
    if (day < 0n) return 0n;
    if (bucket === 'team' || bucket === 'investors') {
      return Ledger.linear(allocated, day - 12n * month, 24n * month);
    }
    if (bucket === 'devco' || bucket === 'ecodev_fund') {
      const atTge = (allocated * 5000n) / BPS;
      return atTge + Ledger.linear(allocated - atTge, day, 24n * month);
    }
    return Ledger.linear(allocated, day, 36n * month); // partner_fund
  }

  // Every holding of the canonical chain (the cap check of Mint on L1).
  l1Supply() {
    let total = this.escrow + LINK_POOL + REWARD_RESERVE;
    for (const amount of this.l1.values()) total += amount;
    for (const allocation of Object.values(this.allocations)) total += allocation.allocated - allocation.released;
    return total;
  }

  escrowSurplus() {
    let backed = 0n;
    for (const amount of this.l2.values()) backed += amount;
    for (const withdrawal of this.withdrawals.values()) backed += withdrawal.amount;
    return this.escrow - backed;
  }

  // --- operations: each returns its events or throws Rejected before its first write
  Transfer({ sender, chain, to, amount }) {
    this.requireAddress(to);
    this.requireAmount(amount);
    this.requireBalance(chain, sender, amount);
    this.debit(chain, sender, amount);
    this.credit(chain, to, amount);
    return [['Transfer', { chain, sender, to, amount }]];
  }

  Mint({ sender, chain, to, amount }) {
    this.requireAddress(to);
    this.requireAmount(amount);
    if (chain === 'L2') {
      require_(sender === BRIDGE_ADDRESS, 'NOT_BRIDGE');
      require_(amount <= this.escrowSurplus(), 'SUPPLY_CAP_EXCEEDED');
    } else {
      require_(this.tokenOwners.has(sender), 'UNAUTHORIZED');
      require_(this.l1Supply() + amount <= this.params.total_supply, 'SUPPLY_CAP_EXCEEDED');
    }
    this.credit(chain, to, amount);
    return [['Mint', { chain, to, amount }]];
  }

  BridgeDeposit({ sender, amount }) {
    this.requireAmount(amount);
    this.requireBalance('L1', sender, amount);
    this.debit('L1', sender, amount);
    this.escrow += amount;
    this.credit('L2', sender, amount);
    return [['BridgeDeposit', { owner: sender, amount }]];
  }

  BridgeWithdraw({ sender, amount }) {
    this.requireAmount(amount);
    this.requireBalance('L2', sender, amount);
    this.debit('L2', sender, amount);
    const withdrawal = this.nextWithdrawal;
    this.nextWithdrawal += 1n;
    const readyEra = this.era + this.params.bridge_withdrawal_delay_eras;
    this.withdrawals.set(withdrawal, { owner: sender, amount, ready_era: readyEra });
    return [['BridgeWithdrawalInitiated', { withdrawal, owner: sender, amount, ready_era: readyEra }]];
  }

  FinalizeBridgeWithdrawal({ withdrawal }) {
    const found = this.withdrawals.get(withdrawal);
    require_(found !== undefined, 'UNKNOWN_WITHDRAWAL');
    require_(this.era >= found.ready_era, 'WITHDRAWAL_NOT_READY');
    this.withdrawals.delete(withdrawal);
    this.escrow -= found.amount;
    this.credit('L1', found.owner, found.amount);
    return [['BridgeWithdrawalFinalized', { withdrawal, owner: found.owner, amount: found.amount }]];
  }

  ClaimAllocation({ sender, bucket, amount }) {
    require_(CLAIMABLE.includes(bucket), 'BUCKET_NOT_CLAIMABLE');
    const allocation = this.allocations[bucket];
    require_(sender === allocation.beneficiary, 'NOT_BENEFICIARY');
    this.requireAmount(amount);
    require_(amount <= this.unlocked(bucket) - allocation.released, 'CLAIM_EXCEEDS_UNLOCKED');
    allocation.released += amount;
    this.credit('L1', sender, amount);
    return [['AllocationClaimed', { bucket, beneficiary: sender, amount }]];
  }

  // The clock (eras chapter): in a network holding only ledger records, ending an era accrues nothing,
  // finds nothing down, and starts the next era.
  AdvanceEra({ block }) {
    const endBlock = this.eraStartBlock + this.params.era_length_blocks;
    require_(block >= endBlock, 'ERA_NOT_OVER');
    const era = this.era;
    this.eraStartBlock += this.params.era_length_blocks;
    this.era += 1n;
    return [
      ['LinkRewardsAccrued', { era, amount: 0n }],
      ['EraSettled', { era, down: 0n }],
      ['EraStarted', { era: this.era, start_block: this.eraStartBlock }],
    ];
  }

  apply(name, fields) {
    try {
      return { accepted: true, events: this[name](fields) };
    } catch (error) {
      if (error instanceof Rejected) return { accepted: false, reason: error.reason, events: [] };
      throw error;
    }
  }

  // The projected fields this port owns (wire page), encoded.
  project() {
    const allocations = {};
    for (const [bucket, allocation] of Object.entries(this.allocations)) {
      allocations[bucket] = { allocated: big(allocation.allocated), beneficiary: big(allocation.beneficiary),
        released: big(allocation.released) };
    }
    return {
      allocations,
      bridge_escrow: big(this.escrow),
      bridge_withdrawals: intMap(this.withdrawals, (w) => ({ amount: big(w.amount), owner: big(w.owner),
        ready_era: big(w.ready_era) })),
      era: big(this.era),
      era_start_block: big(this.eraStartBlock),
      genesis_day: big(this.genesisDay),
      l1_balances: intMap(this.l1, big),
      l2_balances: intMap(this.l2, big),
      next_id: this.nextWithdrawal === 0n ? {} : { bridge_withdrawal: big(this.nextWithdrawal) },
    };
  }
}

function encodeEvents(events) {
  return events.map(([name, fields]) => variant(name, eventValue(fields)));
}

module.exports = { Ledger, encodeEvents };
