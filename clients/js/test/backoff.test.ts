// Reconnect delays: exponential, capped, with jitter (computed, not timed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../src/index.js';

test('reconnect delays double up to the cap and are jittered within [d/2, d]', () => {
  for (let attempt = 0; attempt < 40; attempt++) {
    const d = Math.min(10_000, 250 * 2 ** attempt);
    assert.equal(backoffDelay(attempt, 250, 10_000, () => 0), d / 2);
    assert.equal(backoffDelay(attempt, 250, 10_000, () => 1), d);
    const r = backoffDelay(attempt, 250, 10_000);
    assert.ok(r >= d / 2 && r <= d, attempt + ': ' + r);
  }
  assert.equal(backoffDelay(3, 250, 10_000, () => 0.5), 1500);
  const spread = new Set(Array.from({ length: 50 }, () => Math.round(backoffDelay(5, 250, 10_000))));
  assert.ok(spread.size > 10, 'clients dropped together come back at different times');
});
