// Photos as files under one directory. Writes go to a temp file in the
// target directory, are fsynced and renamed into place, so a reader sees
// either the whole object or none. The content type lives in a sidecar
// `<key>.type` written before the data, so committed data always has one.
import { randomUUID } from 'node:crypto'
import { mkdir, open, rename, rm, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { PhotoStorage, StoredPhoto } from './storage.js'
import { assertKey } from './keys.js'

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT'

export class LocalPhotoStorage implements PhotoStorage {
  private readonly root: string

  constructor(dir: string) {
    this.root = resolve(dir)
  }

  private path(key: string): string {
    assertKey(key)
    return join(this.root, ...key.split('/'))
  }

  async put(key: string, buffer: Buffer, contentType: string): Promise<void> {
    const path = this.path(key)
    await mkdir(dirname(path), { recursive: true })
    await writeAtomic(`${path}.type`, Buffer.from(contentType, 'utf8'))
    await writeAtomic(path, buffer)
  }

  async get(key: string): Promise<StoredPhoto | null> {
    const path = this.path(key)
    let handle
    try {
      handle = await open(path, 'r')
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
    try {
      // Size from the open handle: a concurrent rename cannot change what we stream.
      const { size } = await handle.stat()
      const contentType = await readFile(`${path}.type`, 'utf8').catch((err: unknown) => {
        if (isMissing(err)) return 'application/octet-stream'
        throw err
      })
      return { stream: handle.createReadStream(), size, contentType }
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key)
    await rm(path, { force: true })
    await rm(`${path}.type`, { force: true })
  }
}

async function writeAtomic(path: string, data: Buffer): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`
  try {
    const handle = await open(temp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync() // the data must be on disk before the rename makes it visible
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}
