// Copies the compiled library (dist/src/*.js) to where the gateway serves the web page from, so the
// page imports the same code as every other app. `npm run web` runs it after tsc; the test
// test/web-copy.test.ts fails while the committed copy differs from the sources.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const webDir = join(root, '../../gateway-service/src/main/resources/META-INF/resources/lib/im-client');
const dist = join(root, 'dist/src');
rmSync(webDir, { recursive: true, force: true });
mkdirSync(webDir, { recursive: true });
for (const f of readdirSync(dist).filter((f) => f.endsWith('.js'))) copyFileSync(join(dist, f), join(webDir, f));
console.log('copied the library to ' + webDir);
