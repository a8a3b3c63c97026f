// The photo storage that the configuration names.
import { LocalPhotoStorage } from './local-storage.js'
import { S3PhotoStorage } from './s3-storage.js'
import type { PhotoStorage, StorageConfig } from './storage.js'

export function createStorage(config: StorageConfig): PhotoStorage {
  switch (config.kind) {
    case 'local':
      return new LocalPhotoStorage(config.dir)
    case 's3':
      return S3PhotoStorage.fromConfig(config)
  }
}
