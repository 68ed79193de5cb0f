// Algorithm and namespace URIs (XMLDSig 1.0/1.1, RFC 6931, XAdES) and the two signature profiles.

export const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';
export const NS_XADES_132 = 'http://uri.etsi.org/01903/v1.3.2#';
export const NS_XADES_111 = 'http://uri.etsi.org/01903/v1.1.1#';
export const NS_XADES_141 = 'http://uri.etsi.org/01903/v1.4.1#';

export const C14N_10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_10_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const C14N_11 = 'http://www.w3.org/2006/12/xml-c14n11';
export const C14N_11_COMMENTS = 'http://www.w3.org/2006/12/xml-c14n11#WithComments';
export const C14N_EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const C14N_EXC_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';

/** Canonicalisation algorithm URIs this module accepts (as CanonicalizationMethod or as a Transform). */
export type C14nAlgorithm =
  | typeof C14N_10
  | typeof C14N_10_COMMENTS
  | typeof C14N_11
  | typeof C14N_11_COMMENTS
  | typeof C14N_EXC
  | typeof C14N_EXC_COMMENTS;

export const C14N_ALGORITHMS: Record<string, { mode: 0 | 1 | 2; withComments: boolean }> = {
  [C14N_10]: { mode: 0, withComments: false },
  [C14N_10_COMMENTS]: { mode: 0, withComments: true },
  [C14N_EXC]: { mode: 1, withComments: false },
  [C14N_EXC_COMMENTS]: { mode: 1, withComments: true },
  [C14N_11]: { mode: 2, withComments: false },
  [C14N_11_COMMENTS]: { mode: 2, withComments: true },
};

export const TRANSFORM_BASE64 = 'http://www.w3.org/2000/09/xmldsig#base64';
export const TYPE_MANIFEST = 'http://www.w3.org/2000/09/xmldsig#Manifest';
export const TYPE_OBJECT = 'http://www.w3.org/2000/09/xmldsig#Object';
/** XAdES 1.3.2+ Type of the SignedProperties reference. */
export const TYPE_SIGNED_PROPERTIES = 'http://uri.etsi.org/01903#SignedProperties';
/** Type written by XAdES 1.1.1 clients (DRIM). */
export const TYPE_SIGNED_PROPERTIES_111 = 'http://uri.etsi.org/01903/v1.1.1#SignedProperties';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const DIGEST_URI: Record<HashName, string> = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
};
export const DIGEST_BY_URI: Record<string, HashName> = Object.fromEntries(
  Object.entries(DIGEST_URI).map(([k, v]) => [v, k as HashName]),
);

export const SIGNATURE_URI: Record<'rsa' | 'ec', Record<HashName, string>> = {
  rsa: {
    sha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
    sha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    sha384: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
    sha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  },
  ec: {
    sha1: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1',
    sha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
    sha384: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
    sha512: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
  },
};
export const SIGNATURE_BY_URI: Record<string, { key: 'rsa' | 'ec'; hash: HashName }> = Object.fromEntries(
  (['rsa', 'ec'] as const).flatMap((key) =>
    Object.entries(SIGNATURE_URI[key]).map(([hash, uri]) => [uri, { key, hash: hash as HashName }]),
  ),
);

/** ASTM E1762 signature purposes (code system 1.2.840.10065.1.12), as used by IHE DSG. */
export const SIGNATURE_PURPOSE = {
  author: '1.2.840.10065.1.12.1.1',
  coauthor: '1.2.840.10065.1.12.1.2',
  coParticipant: '1.2.840.10065.1.12.1.3',
  transcriptionist: '1.2.840.10065.1.12.1.4',
  verification: '1.2.840.10065.1.12.1.5',
  validation: '1.2.840.10065.1.12.1.6',
  consent: '1.2.840.10065.1.12.1.7',
  signatureWitness: '1.2.840.10065.1.12.1.8',
  eventWitness: '1.2.840.10065.1.12.1.9',
  identityWitness: '1.2.840.10065.1.12.1.10',
  consentWitness: '1.2.840.10065.1.12.1.11',
  interpreter: '1.2.840.10065.1.12.1.12',
  reviewOrApproval: '1.2.840.10065.1.12.1.13',
  source: '1.2.840.10065.1.12.1.14',
  addendum: '1.2.840.10065.1.12.1.15',
  modification: '1.2.840.10065.1.12.1.16',
  administrative: '1.2.840.10065.1.12.1.17',
  timestamp: '1.2.840.10065.1.12.1.18',
} as const;

export const DSG_POLICY_DETACHED = 'urn:ihe:iti:dsg:detached:2014';
export const DSG_POLICY_ENVELOPING = 'urn:ihe:iti:dsg:enveloping:2014';

/** DigestValue the DMP clients put on the submission-set reference of the manifest (one zero byte, base64). */
export const SUBMISSION_SET_PLACEHOLDER_DIGEST = 'AA==';

/** Name of a signature profile (CLI `--profile`). */
export type SignatureProfileName = 'dsg' | 'dmp-legacy';

/** Everything that differs between the two profiles. */
export interface SignatureProfile {
  readonly name: SignatureProfileName;
  readonly hash: HashName;
  /** CanonicalizationMethod of SignedInfo. */
  readonly canonicalization: C14nAlgorithm;
  /** Transform of the SignedInfo references to the Manifest and SignedProperties. */
  readonly referenceTransform: C14nAlgorithm | null;
  /** Default transform of a manifest reference to an XML document (`null` = digest of the exact bytes). */
  readonly documentTransform: C14nAlgorithm | null;
  readonly xadesNamespace: string;
  readonly signedPropertiesType: string;
  readonly defaultPurpose: string;
}

export const PROFILES: Record<SignatureProfileName, SignatureProfile> = {
  dsg: {
    name: 'dsg',
    hash: 'sha256',
    canonicalization: C14N_11_COMMENTS,
    referenceTransform: C14N_11,
    documentTransform: null,
    xadesNamespace: NS_XADES_132,
    signedPropertiesType: TYPE_SIGNED_PROPERTIES,
    defaultPurpose: SIGNATURE_PURPOSE.author,
  },
  'dmp-legacy': {
    name: 'dmp-legacy',
    hash: 'sha1',
    canonicalization: C14N_10_COMMENTS,
    referenceTransform: null,
    documentTransform: C14N_10_COMMENTS,
    xadesNamespace: NS_XADES_111,
    signedPropertiesType: TYPE_SIGNED_PROPERTIES_111,
    defaultPurpose: SIGNATURE_PURPOSE.source,
  },
};
