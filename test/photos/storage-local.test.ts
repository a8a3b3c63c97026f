// The local directory backend: shared contract, key layout on disk, atomic writes.
import t from 'tap'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createStorage, photoKey } from '../../src/domain/photos/pipeline/index.js'
import { readAll, sha, storageContract } from './fixtures/storage-contract.js'

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

t.test('photoKey fans out by the hash and refuses non-hashes', async (t) => {
  const hash = 'abcdef' + '0'.repeat(58)
  t.equal(photoKey(hash, 'preview'), `ab/cd/${hash}/preview`)
  t.throws(() => photoKey('ABCDEF' + '0'.repeat(58), 'full'), TypeError)
  t.throws(() => photoKey('../' + '0'.repeat(61), 'full'), TypeError)
})

t.test('local storage meets the storage contract', async (t) => {
  await storageContract(t, createStorage({ kind: 'local', dir: t.testdir() }))
})

t.test('objects land at <dir>/ab/cd/<sha>/<variant> with nothing else left behind', async (t) => {
  const dir = t.testdir()
  const storage = createStorage({ kind: 'local', dir })
  const hash = sha('cd34')
  await storage.put(photoKey(hash, 'thumb'), Buffer.from('thumb bytes'), 'image/jpeg')
  const path = join(dir, 'cd', '34', hash, 'thumb')
  t.equal(await readFile(path, 'utf8'), 'thumb bytes', 'plain file, readable by ops tools')
  t.same((await listFiles(dir)).sort(), [path, `${path}.type`], 'only the object and its content-type sidecar')
})

t.test('concurrent writers and readers never see a partial object', async (t) => {
  const dir = t.testdir()
  const storage = createStorage({ kind: 'local', dir })
  const key = photoKey(sha('ef56'), 'full')
  const versions = Array.from({ length: 12 }, (_, i) => Buffer.alloc(256 * 1024 + i * 4096, 65 + i))
  await storage.put(key, versions[0]!, 'image/jpeg')

  const seen: Buffer[] = []
  const reads = Array.from({ length: 40 }, async () => {
    const got = await storage.get(key)
    if (got) seen.push(await readAll(got.stream))
  })
  await Promise.all([...versions.map((v) => storage.put(key, v, 'image/jpeg')), ...reads])

  t.ok(seen.length > 0, `readers got ${seen.length} objects`)
  const whole = seen.every((body) => versions.some((v) => v.equals(body)))
  t.ok(whole, 'every read is exactly one complete written version')
  const final = await readAll((await storage.get(key))!.stream)
  t.ok(
    versions.some((v) => v.equals(final)),
    'the final object is one complete version',
  )
  t.notOk(
    (await listFiles(dir)).some((f) => f.endsWith('.tmp')),
    'no temp files remain',
  )
})

t.test('a failed write cleans up its temp file and leaves the old object', async (t) => {
  const dir = t.testdir()
  const storage = createStorage({ kind: 'local', dir })
  const hash = sha('7788')
  const key = photoKey(hash, 'full')
  // A directory where the object should go makes the final rename fail.
  await mkdir(join(dir, '77', '88', hash, 'full'), { recursive: true })
  await writeFile(join(dir, '77', '88', hash, 'full', 'keep'), 'x')
  await t.rejects(storage.put(key, Buffer.from('new'), 'image/jpeg'))
  t.notOk(
    (await listFiles(dir)).some((f) => f.endsWith('.tmp')),
    'no temp file left behind',
  )
})
