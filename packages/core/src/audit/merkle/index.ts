export {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  nodeHash,
  ProofError,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type FrontierJson,
} from './tree.js';
export { CheckpointError, generateCheckpointKey, parseCheckpoint, signCheckpoint, verifyCheckpoint, type CheckpointBody, type CheckpointKey } from './checkpoint.js';
