// Public exports of the mss module (subpath `cisis-bio/mss`): MSSanté delivery — the IHE XDM archive, the e-mail
// per audience, SMTP sending, reading a received e-mail, and the acknowledgements (MDN, error e-mail).

export {
  type AudienceViolation,
  assertAudienceAllowed,
  audienceViolations,
  type MssAudience,
} from './audience.js';
export { MssError, type MssErrorCode, SmtpError, type SmtpErrorCode } from './errors.js';
export {
  type AcknowledgedMessage,
  type Acknowledgement,
  type AcknowledgementInput,
  buildErrorEmail,
  buildMdn,
  KO_PREFIX,
  type MssIntegrationError,
  type MssNotification,
  readMssNotification,
} from './mdn.js';
export { buildMssMessage, type MssMessage, type MssMessageInput, type MssReportFiles } from './message.js';
export {
  type MessageNaming,
  mssSubject,
  namingOf,
  PATIENT_MAIL_DOMAIN,
  patientAddress,
  pdfFileName,
  xdmDocumentName,
} from './naming.js';
export {
  type MssAttachment,
  type MssReadLimits,
  messageEnvelope,
  type ReadMssMessage,
  readMssMessage,
} from './read.js';
export { documentRole, type XdmDocumentRole } from './roles.js';
export { type SendableMessage, type SmtpOptions, type SmtpResult, sendMssMessage } from './send.js';
export {
  buildXdm,
  XDM_METADATA,
  XDM_SUBSET,
  XDM_ZIP_NAME,
  type XdmOptions,
  type XdmPackage,
  type XdmSender,
  type XdmSoftware,
} from './xdm.js';
export { type ReadXdm, readXdm, type XdmDocument, type XdmLimits, type XdmSubset } from './xdm-read.js';
