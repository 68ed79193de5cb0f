// Public exports of the sign module (re-exported by src/index.ts).
export {
  C14N_10,
  C14N_10_COMMENTS,
  C14N_11,
  C14N_11_COMMENTS,
  C14N_EXC,
  C14N_EXC_COMMENTS,
  type C14nAlgorithm,
  DSG_POLICY_DETACHED,
  DSG_POLICY_ENVELOPING,
  PROFILES as SIGNATURE_PROFILES,
  SIGNATURE_PURPOSE,
  type SignatureProfile,
  type SignatureProfileName,
  SUBMISSION_SET_PLACEHOLDER_DIGEST,
} from './algorithms.js';
export {
  type CertificatePathIssue,
  type CertificatePathIssueCode,
  type CertificatePathOptions,
  type CertificatePathResult,
  checkCertificatePath,
} from './certs.js';
export { KeyLoadError, type KeyLoadErrorCode, SignatureError, type SignatureErrorCode } from './errors.js';
export { loadCertificates, loadSigningKey, type SigningKey, type SigningKeyInput } from './keys.js';
export {
  cdaDocumentId,
  type ManifestDocument,
  type RevocationValues,
  type SignatureLevel,
  type SignatureResult,
  type SignDocumentOptions,
  type SignedReference,
  type SignOptions,
  type SubmissionSetToSign,
  signDocument,
  signSubmissionSet,
} from './sign.js';
export {
  checkTimestampToken,
  type TimestampAuthority,
  type TimestampCheck,
  type TimestampRequest,
} from './timestamp.js';
export {
  type DocumentResolver,
  type ManifestReferenceResult,
  type SignerSummary,
  type VerificationResult,
  type VerifyIssue,
  type VerifyIssueCode,
  type VerifyOptions,
  verifySignature,
} from './verify.js';
