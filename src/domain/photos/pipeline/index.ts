// The photo module's public surface, for the HTTP layer and workers.
export {
  processPhoto,
  hammingDistance,
  VARIANTS,
  VARIANT_NAMES,
  type ProcessedPhoto,
  type PhotoVariant,
  type PhotoLimits,
  type VariantName,
  type OutputFormat,
  type PhotoKind,
} from './pipeline.js'
export { photoKey, type PhotoStorage, type StoredPhoto, type StorageConfig } from './storage.js'
export { createStorage } from './create-storage.js'
export { ACCEPTED_PHOTO_TYPES } from './errors.js'
export { PHOTO_PARALLELISM } from './sharp.js'
