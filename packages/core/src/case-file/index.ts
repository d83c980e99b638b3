export type {
  CaseFileAuditEntry,
  CaseFileChart,
  CaseFileChartNode,
  CaseFileContent,
  CaseFileEvent,
  CaseFileEvidence,
  CaseFileLinkedCase,
  CaseFileMember,
  CaseFileNote,
  CaseFileSubject,
  CaseFileSummary,
  CaseFileTask,
} from './content.js';
export { caseFileName } from './content.js';
export { layoutChart, type ChartInput } from './chart-layout.js';
export { assembleCaseFile, AUDIT_ENTRY_CAP, CHART_NODE_CAP, type AssembledCaseFile } from './assemble-case-file.js';
export { renderCaseFileHtml } from './render-html.js';
export { renderCaseFilePdf } from './render-pdf.js';
export { exportCaseFile, CASE_FILE_FORMATS, type CaseFileFormat, type ExportedCaseFile } from './export-case-file.js';
