import t from 'tap';
import { createProxy } from '../../lib/ap/proxy.js';
import { loadApConfig } from '../../lib/ap/config.js';

t.test('package.json exports ut-tls/ap: the same createProxy and loadApConfig as lib/ap', async (t) => {
  const m = (await import('ut-tls/ap' as string)) as Record<string, unknown>;
  t.equal(m.createProxy, createProxy);
  t.equal(m.loadApConfig, loadApConfig);
  t.notOk('writeDemoCerts' in m, 'the demo certificate maker is not part of the public API');
});
