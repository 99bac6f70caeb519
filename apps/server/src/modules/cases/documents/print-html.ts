/**
 * The case documents as one self-contained, printable A4 HTML page (the source of the PDF, and a
 * print preview in the browser). Same content as the Word file; GB/T 9704-2012 page margins; every
 * text escaped (descriptions come from citizens); photos inline as data: URLs; no scripts, and a
 * Content-Security-Policy that would refuse them anyway.
 */
import {
  FONT_BODY,
  FONT_HEADING,
  FONT_TITLE,
  LINE_PITCH_PT,
  PAGE_MARGIN_MM,
  PHOTOS_LABEL,
  PHOTO_IN_SYSTEM,
  PHOTO_MAX_HEIGHT_MM,
  PHOTO_MAX_WIDTH_MM,
  RECEIPT_LINE,
  RED,
  SIZE_BODY_PT,
  SIZE_TABLE_PT,
  SIZE_TITLE_PT,
  bodyBlocks,
  documentPhotos,
  documentTitle,
  factRows,
  formatCnDate,
  headerMark,
  headerMarkSizePt,
  imageSize,
  photoBoxMm,
  photoCaption,
  textWidthPt,
  type CaseDocumentData,
  type CaseDocumentPhoto,
} from './document-data.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** The fallback is the self-hosted Noto Sans SC (fontsource), then whatever the system has. */
const FALLBACK = `"Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK SC"`;
/** A heavy sans (Noto Sans SC 700 under a family name of its own) in place of 方正小标宋简体. */
export const TITLE_FALLBACK_FAMILY = 'Noto Sans SC Heavy';
const STACK_TITLE = `"${FONT_TITLE}", "FZXiaoBiaoSong-B05S", "${TITLE_FALLBACK_FAMILY}", ${FALLBACK}, serif`;
const STACK_BODY = `"${FONT_BODY}", "仿宋", "FangSong", "STFangsong", ${FALLBACK}, serif`;
const STACK_HEADING = `"${FONT_HEADING}", "SimHei", ${FALLBACK}, sans-serif`;
const STACK_PAGE_NUMBER = `"宋体", "SimSun", ${FALLBACK}, serif`;

const PHOTO_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** Origin of an absolute http(s) URL, for the CSP; null for relative or other URLs. */
function httpOrigin(href: string): string | null {
  try {
    const u = new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

function css(d: CaseDocumentData): string {
  const m = PAGE_MARGIN_MM;
  const markSize = headerMarkSizePt(headerMark(d));
  return `
@page { size: A4; margin: ${m.top}mm ${m.right}mm ${m.bottom}mm ${m.left}mm; }
@page :right { @bottom-right { content: "— " counter(page) " —"; font: 14pt ${STACK_PAGE_NUMBER}; vertical-align: top; padding-top: 7mm; margin-right: 1em; } }
@page :left { @bottom-left { content: "— " counter(page) " —"; font: 14pt ${STACK_PAGE_NUMBER}; vertical-align: top; padding-top: 7mm; margin-left: 1em; } }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #000; background: #fff; font-family: ${STACK_BODY}; font-size: ${SIZE_BODY_PT}pt; line-height: ${LINE_PITCH_PT}pt; text-align: justify; }
@media screen {
  html { background: #e6e6e6; }
  body { box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 0 auto; padding: ${m.top}mm ${m.right}mm ${m.bottom}mm ${m.left}mm; }
}
p { margin: 0; }
.mark { margin: 0; color: #${RED}; font-family: ${STACK_TITLE}; font-size: ${markSize}pt; font-weight: normal; line-height: 1.25; text-align: center; }
.docno { margin: ${LINE_PITCH_PT}pt 0 0; text-align: center; }
.rule { margin: 4mm 0 ${LINE_PITCH_PT}pt; border-top: 1.5pt solid #${RED}; }
.rule.double { border-top-width: 2.25pt; }
.rule.double::after { content: ""; display: block; margin-top: 1.2pt; border-top: 0.75pt solid #${RED}; }
h1 { margin: 0 0 ${LINE_PITCH_PT}pt; font-family: ${STACK_TITLE}; font-size: ${SIZE_TITLE_PT}pt; font-weight: normal; line-height: 1.6; text-align: center; }
.addressee { text-align: left; }
.para { text-indent: 2em; }
h2 { margin: 0; font-family: ${STACK_HEADING}; font-size: ${SIZE_BODY_PT}pt; font-weight: normal; line-height: ${LINE_PITCH_PT}pt; text-indent: 2em; break-after: avoid; }
table.facts { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: ${SIZE_TABLE_PT}pt; line-height: 1.6; text-align: left; }
table.facts th, table.facts td { border: 0.75pt solid #000; padding: 1.5mm 2mm; vertical-align: middle; }
table.facts th { width: 26mm; font-family: ${STACK_HEADING}; font-weight: normal; text-align: center; }
table.facts td { overflow-wrap: anywhere; }
table.facts tr { break-inside: avoid; }
table.facts td div + div { margin-top: 0.5mm; }
figure { margin: 1mm 0 2mm; break-inside: avoid; }
figure img { display: block; max-width: ${PHOTO_MAX_WIDTH_MM}mm; max-height: ${PHOTO_MAX_HEIGHT_MM}mm; }
figcaption { margin-top: 0.5mm; }
.para { widows: 2; orphans: 2; }
.closing { break-inside: avoid; break-before: avoid; }
.signature { margin-top: ${LINE_PITCH_PT}pt; text-align: right; }
.signature .box { display: inline-block; text-align: center; }
.receipt { margin-top: ${LINE_PITCH_PT}pt; text-align: left; white-space: nowrap; }
`;
}

function photoHtml(photo: CaseDocumentPhoto, i: number, count: number): string {
  const caption = escapeHtml(photoCaption(photo, i, count));
  if (!PHOTO_MIMES.has(photo.mime)) return `<div>${caption}：${PHOTO_IN_SYSTEM}</div>`;
  const size = imageSize(photo);
  const dims = size
    ? (() => {
        const box = photoBoxMm(size);
        return ` style="width:${box.widthMm.toFixed(1)}mm;height:${box.heightMm.toFixed(1)}mm"`;
      })()
    : '';
  const src = `data:${photo.mime};base64,${photo.data.toString('base64')}`;
  return `<figure><img src="${src}" alt="${caption}"${dims}><figcaption>${caption}</figcaption></figure>`;
}

function factsTableHtml(d: CaseDocumentData): string {
  const rows = factRows(d).map(
    (r) =>
      `<tr><th scope="row">${escapeHtml(r.label)}</th><td>${r.lines.map((l) => `<div>${escapeHtml(l)}</div>`).join('')}</td></tr>`,
  );
  const photos = documentPhotos(d);
  const photoCell = photos.length ? photos.map((p, i) => photoHtml(p, i, photos.length)).join('') : '<div>无</div>';
  rows.push(`<tr><th scope="row">${PHOTOS_LABEL}</th><td>${photoCell}</td></tr>`);
  return `<table class="facts"><tbody>${rows.join('')}</tbody></table>`;
}

function signatureHtml(d: CaseDocumentData): string {
  const date = formatCnDate(d.issuedAt);
  // The date ends four characters from the right margin with the issuer centred over it; a longer
  // issuer ends two characters from the margin with the date centred under it.
  const issuerLonger = textWidthPt(d.issuer, 1) > textWidthPt(date, 1);
  return (
    `<div class="signature" style="padding-right:${issuerLonger ? 2 : 4}em"><div class="box">` +
    `<div>${escapeHtml(d.issuer)}</div><div>${escapeHtml(date)}</div></div></div>` +
    `<p class="receipt">${RECEIPT_LINE}</p>`
  );
}

export function renderPrintHtml(d: CaseDocumentData, opts: { fontCssHref?: string } = {}): string {
  const title = documentTitle(d);
  const fontOrigin = opts.fontCssHref ? httpOrigin(opts.fontCssHref) : null;
  const csp = [
    "default-src 'none'",
    `style-src 'unsafe-inline' 'self'${fontOrigin ? ` ${fontOrigin}` : ''}`,
    `font-src 'self' data:${fontOrigin ? ` ${fontOrigin}` : ''}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const body: string[] = [];
  body.push(`<p class="mark">${escapeHtml(headerMark(d))}</p>`);
  body.push(`<p class="docno">${escapeHtml(d.number)}</p>`);
  body.push(`<div class="rule${d.kind === 'urging_letter' ? ' double' : ''}"></div>`);
  body.push(`<h1>${escapeHtml(title)}</h1>`);
  body.push(`<p class="addressee">${escapeHtml(d.unit.name.trim())}：</p>`);
  for (const block of bodyBlocks(d)) {
    if (block.type === 'paragraph') body.push(`<p class="para">${escapeHtml(block.text)}</p>`);
    else if (block.type === 'heading') body.push(`<h2>${escapeHtml(block.text)}</h2>`);
    else body.push(factsTableHtml(d));
  }
  // The signature never starts a page of its own: at least the last two lines of the body go with it.
  body.push(`<div class="closing">${signatureHtml(d)}</div>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${title} ${d.number}`)}</title>`,
    opts.fontCssHref ? `<link rel="stylesheet" href="${escapeHtml(opts.fontCssHref)}">` : '',
    `<style>${css(d)}</style>`,
    '</head>',
    `<body>`,
    ...body,
    '</body>',
    '</html>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}
