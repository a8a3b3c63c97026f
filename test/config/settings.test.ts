// DOCS_PUBLIC and TRUST_PROXY: parsed once at start-up, anything else refused in one line.
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/config.js'

t.test('DOCS_PUBLIC defaults to true and takes true or false', async (t) => {
  t.equal(loadConfig({}).docsPublic, true)
  t.equal(loadConfig({ DOCS_PUBLIC: '' }).docsPublic, true, 'empty counts as unset')
  t.equal(loadConfig({ DOCS_PUBLIC: 'false' }).docsPublic, false)
  t.equal(loadConfig({ DOCS_PUBLIC: 'true' }).docsPublic, true)
  t.throws(() => loadConfig({ DOCS_PUBLIC: 'no' }), new ConfigError('DOCS_PUBLIC must be true or false, got "no"'))
})

t.test('TRUST_PROXY: off by default; true, or proxy addresses and ranges', async (t) => {
  t.equal(loadConfig({}).trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,fd00::/8' }).trustProxy, [
    '10.0.0.0/8',
    '127.0.0.1',
    'fd00::/8',
  ])
  for (const value of ['yes', '2', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/8', '::1/129']) {
    t.throws(
      () => loadConfig({ TRUST_PROXY: value }),
      new ConfigError(`TRUST_PROXY must be true, false or a comma list of addresses/CIDRs, got "${value}"`),
      value,
    )
  }
})
