// The web page loads the compiled library from the gateway's static resources (committed, so the
// Java build needs no Node): that copy must be what the sources compile to now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url)); // dist/test
const dist = join(here, '../src');
const web = join(here, '../../../../gateway-service/src/main/resources/META-INF/resources/lib/im-client');

test('the library copy the gateway serves is the compiled sources (run `npm run web` after a change)', () => {
  const compiled = readdirSync(dist).filter((f) => f.endsWith('.js')).sort();
  assert.deepEqual(readdirSync(web).sort(), compiled, 'the same files');
  for (const f of compiled) {
    assert.equal(readFileSync(join(web, f), 'utf8'), readFileSync(join(dist, f), 'utf8'), f + ' differs: run `npm run web` in clients/js');
  }
});
