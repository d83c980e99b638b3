export { EVIDENCE_TYPES, checkEvidenceContent, detectContentType } from './signatures.js';
export { evidenceNotFound } from './find-evidence.js';
export { uploadEvidence, evidenceTooLarge, type EvidenceUpload, type StoredEvidence } from './upload-evidence.js';
export {
  getEvidence,
  listEvidence,
  readEvidenceContent,
  type CustodyEvent,
  type EvidenceAnchor,
  type EvidenceAnnotation,
  type EvidenceContent,
  type EvidenceDetail,
  type EvidenceSummary,
} from './read-evidence.js';
export { MAX_EVIDENCE_BYTES, type EvidenceSettings } from '../config/config.js';
export { annotateEvidence, checkAnchor, recordEvidenceExport, transferEvidence } from './custody.js';
