// Public exports of the hl7v2 module (subpath cisis-bio/hl7v2): ORU^R01 / MDM carrying CR-BIO documents with the
// DMP/MSSanté metadata (volet « Transmission de document(s) CDA en HL7 v2 » v2.1), ACK and ZAM, MLLP.

export {
  type AckCode,
  type AckError,
  type AckedMessage,
  type AckInput,
  type AckResult,
  ackedMessage,
  buildAck,
  buildZam,
  readAck,
  readZam,
  type ZamInput,
  type ZamResult,
} from './ack.js';
export {
  type BuiltHl7Message,
  buildMdm,
  buildOru,
  type DocumentMessageInput,
  type OrderNumber,
  type Visit,
} from './build.js';
export {
  CR_BIO_TYPE,
  type DocumentEvent,
  EVENTS as DOCUMENT_EVENTS,
  hl7Timestamp,
  MAIL_BODIES,
  META_FLAGS,
  type MetaFlagCode,
  type MetaFlags,
  PROFILES as HL7V2_PROFILES,
  ZAM_KINDS,
  type ZamKind,
} from './codes.js';
export { Hl7v2Error, type Hl7v2ErrorCode, type Hl7v2Warning, isMalformedInput } from './errors.js';
export {
  DEFAULT_ENCODING as HL7_DEFAULT_ENCODING,
  type EncodingCharacters,
  escapeHl7,
  unescapeHl7,
} from './escape.js';
export { checkFlagCombination } from './flags.js';
export { patientMailbox } from './header.js';
export {
  type FieldInput,
  filled as isFieldFilled,
  type Hl7Field,
  type Hl7Segment,
  type Hl7v2Message,
  leaf as hl7Value,
  type ParseHl7v2Options,
  parseHl7v2,
  type SegmentInput,
  segment as findSegment,
  segments as findSegments,
  serializeHl7v2,
} from './message.js';
export {
  MllpClient,
  type MllpClientOptions,
  MllpFrameDecoder,
  type MllpReply,
  type MllpServer,
  type MllpServerOptions,
  type ReceivedMessage,
  type SendResult,
  sendMllp,
  startMllpServer,
} from './mllp.js';
export type { Hl7Organization, Hl7Person, Hl7Recipient, Hl7Sender, RecipientKind } from './parties.js';
export type { Hl7Patient, Hl7PatientId } from './pid.js';
export {
  type CarriedDocument,
  type CarriedEmail,
  type DocumentMessage,
  decodeBase64,
  readOru,
} from './read.js';
