/** Document metadata written twice, consistently: in the Info dictionary and in the XMP packet (PDF/A-1 §6.7.3). */
export interface DocumentMetadata {
  title: string;
  /** Info `Author` / `dc:creator`. */
  author?: string;
  /** Info `Subject` / `dc:description`. */
  subject?: string;
  /** Info `Keywords` / `pdf:Keywords`. */
  keywords?: string;
  /** Info `Creator` / `xmp:CreatorTool`: the application that made the source document. */
  creator: string;
  /** Info `Producer` / `pdf:Producer`. */
  producer: string;
  /** Info `CreationDate` and `ModDate` / `xmp:CreateDate`, `xmp:ModifyDate`, `xmp:MetadataDate`. */
  date: Date;
  /** BCP 47 language (catalog `Lang`, `dc:language`). */
  lang: string;
  /** 32 hex digits: the trailer `ID` and `xmpMM:DocumentID` (`uuid:` form). */
  documentId: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `D:YYYYMMDDHHmmSSZ` as pdf-lib writes it has this exact XMP twin (seconds precision, UTC). */
export function xmpDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function uuidOf(hex32: string): string {
  const h = hex32.toLowerCase();
  return `uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The XMP packet of a PDF/A-1b file: PDF/A identification (`pdfaid:part` 1, `pdfaid:conformance` B) plus the
 * Dublin Core, XMP basic, Adobe PDF and XMP media-management properties mirroring the Info dictionary. Only
 * schemas predefined by PDF/A-1 are used, so no extension-schema description is needed. The xpacket header
 * carries no `bytes`/`encoding` attribute (forbidden by PDF/A-1 §6.7.5); the packet is UTF-8.
 */
export function buildXmp(m: DocumentMetadata): string {
  const date = xmpDate(m.date);
  const lines = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">',
    '   <pdfaid:part>1</pdfaid:part>',
    '   <pdfaid:conformance>B</pdfaid:conformance>',
    '  </rdf:Description>',
    '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '   <dc:format>application/pdf</dc:format>',
    `   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${esc(m.title)}</rdf:li></rdf:Alt></dc:title>`,
    ...(m.author ? [`   <dc:creator><rdf:Seq><rdf:li>${esc(m.author)}</rdf:li></rdf:Seq></dc:creator>`] : []),
    ...(m.subject
      ? [
          `   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${esc(m.subject)}</rdf:li></rdf:Alt></dc:description>`,
        ]
      : []),
    `   <dc:language><rdf:Bag><rdf:li>${esc(m.lang)}</rdf:li></rdf:Bag></dc:language>`,
    '  </rdf:Description>',
    '  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">',
    `   <xmp:CreatorTool>${esc(m.creator)}</xmp:CreatorTool>`,
    `   <xmp:CreateDate>${date}</xmp:CreateDate>`,
    `   <xmp:ModifyDate>${date}</xmp:ModifyDate>`,
    `   <xmp:MetadataDate>${date}</xmp:MetadataDate>`,
    '  </rdf:Description>',
    '  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    `   <pdf:Producer>${esc(m.producer)}</pdf:Producer>`,
    ...(m.keywords ? [`   <pdf:Keywords>${esc(m.keywords)}</pdf:Keywords>`] : []),
    '  </rdf:Description>',
    '  <rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">',
    `   <xmpMM:DocumentID>${uuidOf(m.documentId)}</xmpMM:DocumentID>`,
    `   <xmpMM:InstanceID>${uuidOf(m.documentId)}</xmpMM:InstanceID>`,
    '  </rdf:Description>',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
  ];
  // Padding lets an editor update the packet in place (recommended by the XMP spec).
  const padding = `${' '.repeat(99)}\n`.repeat(20);
  return `${lines.join('\n')}\n${padding}<?xpacket end="w"?>`;
}
