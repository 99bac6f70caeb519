/**
 * The case documents — 交办单 (assignment slip) and 督办函 (urging letter) — as pure data, and the
 * wording and layout facts shared by the Word (docx.ts) and the printable HTML / PDF
 * (print-html.ts, pdf.ts) renderers, so both say exactly the same thing.
 *
 * Layout after GB/T 9704-2012 《党政机关公文格式》: A4, 版心 156 mm × 225 mm (margins top 37 mm,
 * bottom 35 mm, left 28 mm, right 26.5 mm), title 方正小标宋简体 二号, body 仿宋_GB2312 三号,
 * first-level headings 黑体, dates with Arabic numerals (2026年11月22日).
 */

export type CaseDocumentKind = 'assignment_slip' | 'urging_letter';

export interface CaseDocumentPhoto {
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  data: Buffer;
  takenAt: Date | null;
}

export interface CaseDocumentData {
  kind: CaseDocumentKind;
  /** The document number, already formatted, e.g. 创城交〔2026〕12号. */
  number: string;
  /** 发文机关, e.g. 青岚县创建文明城市工作指挥部办公室. */
  issuer: string;
  cityName: string;
  issuedAt: Date;
  /** Documents are Chinese. */
  locale: 'zh-CN';
  case: {
    number: string;
    categoryName: string;
    majorName: string;
    description: string;
    address: string | null;
    lat: number;
    lng: number;
    sourceLabel: string;
    reportedAt: Date;
    gridName: string | null;
    communityName: string | null;
    streetName: string | null;
    /** 结案标准 */
    closingCondition: string;
  };
  unit: { name: string };
  /** Shown in Asia/Shanghai time, e.g. 2026年11月25日 18:00. */
  deadlineAt: Date | null;
  /** e.g. "4 个工作小时" / "3 个工作日". */
  deadlineText: string;
  /** Urging letters: the k-th 督办, how far past the deadline, and the slip that assigned the case. */
  escalation: null | { level: number; overdueHours: number; originalSlipNumber: string | null };
  /** Up to 2 "before" photos (more are ignored). */
  photos: CaseDocumentPhoto[];
}

// ---- fonts and measures (GB/T 9704-2012) ----

export const FONT_TITLE = '方正小标宋简体';
export const FONT_BODY = '仿宋_GB2312';
export const FONT_HEADING = '黑体';
export const FONT_HEADING2 = '楷体_GB2312';
/** 红色 of the 版头 (发文机关标志 and separator line). */
export const RED = 'FF0000';

/** Page margins in millimetres (天头 37, 订口 28). */
export const PAGE_MARGIN_MM = { top: 37, right: 26.5, bottom: 35, left: 28 } as const;
export const PAGE_WIDTH_MM = 210;
export const PAGE_HEIGHT_MM = 297;
/** 版心 width: 210 − 28 − 26.5 = 155.5 mm (the standard's 156 mm). */
export const TEXT_WIDTH_MM = PAGE_WIDTH_MM - PAGE_MARGIN_MM.left - PAGE_MARGIN_MM.right;

/** 二号 22 pt, 三号 16 pt, 四号 14 pt. */
export const SIZE_TITLE_PT = 22;
export const SIZE_BODY_PT = 16;
export const SIZE_TABLE_PT = 14;
/** Fixed line pitch of the body: 22 lines of 28.95 pt fill the 225 mm 版心. */
export const LINE_PITCH_PT = 28.95;

/** Photos are scaled to fit this box (≤ 12 cm wide). */
export const PHOTO_MAX_WIDTH_MM = 120;
export const PHOTO_MAX_HEIGHT_MM = 90;
export const MAX_PHOTOS = 2;

/** Width of a text in a CJK font: full-width characters one em, ASCII and half-width forms half. */
export function textWidthPt(text: string, sizePt: number): number {
  let em = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    em += cp < 0x1100 || (cp >= 0xff61 && cp <= 0xffdc) ? 0.5 : 1;
  }
  return em * sizePt;
}

/**
 * The 发文机关标志 in one line if it fits the 版心 (at most 36 pt = 小初, at least 22 pt; a longer
 * name wraps).
 */
export function headerMarkSizePt(text: string): number {
  const widthPt = (TEXT_WIDTH_MM / 25.4) * 72;
  const em = textWidthPt(text, 1);
  const fit = Math.floor(((widthPt - 2) / em) * 2) / 2;
  return Math.max(22, Math.min(36, fit));
}

// ---- dates (Asia/Shanghai is UTC+8 all year) ----

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

function shanghaiParts(d: Date): { y: number; m: number; day: number; hh: string; mm: string } {
  const t = new Date(d.getTime() + SHANGHAI_OFFSET_MS);
  return {
    y: t.getUTCFullYear(),
    m: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    hh: String(t.getUTCHours()).padStart(2, '0'),
    mm: String(t.getUTCMinutes()).padStart(2, '0'),
  };
}

/** 2026年11月22日 */
export function formatCnDate(d: Date): string {
  const p = shanghaiParts(d);
  return `${p.y}年${p.m}月${p.day}日`;
}

/** 2026年11月25日 18:00 */
export function formatCnDateTime(d: Date): string {
  const p = shanghaiParts(d);
  return `${p.y}年${p.m}月${p.day}日 ${p.hh}:${p.mm}`;
}

// ---- images ----

export interface ImageSize {
  width: number;
  height: number;
}

/** Pixel size read from the file header of a PNG, JPEG or WebP; null if it cannot be read. */
export function imageSize(photo: Pick<CaseDocumentPhoto, 'mime' | 'data'>): ImageSize | null {
  const b = photo.data;
  try {
    // PNG: signature, then the IHDR chunk.
    if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
      return positive(b.readUInt32BE(16), b.readUInt32BE(20));
    }
    // JPEG: walk the segments to the first start-of-frame.
    if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
      let i = 2;
      while (i + 9 < b.length) {
        if (b[i] !== 0xff) return null;
        const marker = b[i + 1] ?? 0;
        if (marker === 0xff) {
          i += 1;
          continue;
        }
        if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          i += 2;
          continue;
        }
        const len = b.readUInt16BE(i + 2);
        const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
        if (isSof) return positive(b.readUInt16BE(i + 7), b.readUInt16BE(i + 5));
        i += 2 + len;
      }
      return null;
    }
    // WebP: RIFF container with a VP8, VP8L or VP8X chunk.
    if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
      const chunk = b.toString('latin1', 12, 16);
      if (chunk === 'VP8X') return positive(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1);
      if (chunk === 'VP8 ') return positive(b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
      if (chunk === 'VP8L') {
        const bits = b.readUInt32LE(21);
        return positive((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
      }
    }
  } catch {
    return null;
  }
  return null;
}

function positive(width: number, height: number): ImageSize | null {
  return width > 0 && height > 0 ? { width, height } : null;
}

/** The printed size of a photo in millimetres: fitted into the 12 cm × 9 cm box, aspect kept. */
export function photoBoxMm(size: ImageSize): { widthMm: number; heightMm: number } {
  const scale = Math.min(PHOTO_MAX_WIDTH_MM / size.width, PHOTO_MAX_HEIGHT_MM / size.height);
  return { widthMm: size.width * scale, heightMm: size.height * scale };
}

// ---- wording ----

export function documentTitle(d: CaseDocumentData): string {
  return d.kind === 'assignment_slip' ? '问题整改交办单' : '督办函';
}

/** The red 发文机关标志: the issuer's name alone — GB/T 9704 adds 文件 only to 文件-form documents, not to a 函 or a slip. */
export function headerMark(d: CaseDocumentData): string {
  return d.issuer.trim();
}

/** 整改期限: "3 个工作日（2026年11月25日 18:00前）". */
export function deadlineLine(d: CaseDocumentData): string {
  const text = d.deadlineText.trim();
  const date = d.deadlineAt ? `${formatCnDateTime(d.deadlineAt)}前` : '';
  if (text && date) return `${text}（${date}）`;
  return text || date || '按有关要求';
}

/** "于3 个工作日内（2026年11月25日 18:00前）" — the deadline inside a sentence. */
function deadlinePhrase(d: CaseDocumentData): string {
  const text = d.deadlineText.trim();
  const date = d.deadlineAt ? `${formatCnDateTime(d.deadlineAt)}前` : '';
  if (text && date) return `于${text}内（${date}）`;
  if (text) return `于${text}内`;
  if (date) return `于${date}`;
  return '按期';
}

export function formatOverdue(hours: number): string {
  const h = Math.max(0, Math.round(hours));
  if (h < 24) return `${h}小时`;
  const days = Math.floor(h / 24);
  const rest = h % 24;
  return `${h}小时（${days}天${rest ? `${rest}小时` : ''}）`;
}

export function formatCoordinates(lat: number, lng: number): string {
  const la = `${lat >= 0 ? '北纬' : '南纬'}${Math.abs(lat).toFixed(6)}°`;
  const lo = `${lng >= 0 ? '东经' : '西经'}${Math.abs(lng).toFixed(6)}°`;
  return `${la}，${lo}`;
}

/** A block of the document body, rendered the same way in Word and HTML. */
export type BodyBlock =
  | { type: 'paragraph'; text: string }
  | { type: 'heading'; text: string }
  | { type: 'facts' };

export interface FactRow {
  label: string;
  /** One entry per line. */
  lines: string[];
}

/** The facts table (without the photos row, which each renderer draws itself). */
export function factRows(d: CaseDocumentData): FactRow[] {
  const c = d.case;
  const area = [c.streetName, c.communityName, c.gridName].filter((s): s is string => !!s && !!s.trim());
  const location = [c.address?.trim() || '（未填写详细地址）'];
  if (area.length) location.push(`所属区域：${area.join(' ')}`);
  location.push(`坐标：${formatCoordinates(c.lat, c.lng)}`);
  const category = [c.majorName, c.categoryName].map((s) => s.trim()).filter(Boolean).join('／');
  return [
    { label: '问题编号', lines: [c.number] },
    { label: '问题类别', lines: [category || '—'] },
    { label: '发现时间', lines: [formatCnDateTime(c.reportedAt)] },
    { label: '问题来源', lines: [c.sourceLabel || '—'] },
    { label: '问题位置', lines: location },
    { label: '问题描述', lines: splitLines(c.description) },
    { label: '整改要求', lines: splitLines(c.closingCondition) },
    { label: '整改期限', lines: [deadlineLine(d)] },
  ];
}

export const PHOTOS_LABEL = '现场照片';
/** Shown instead of a photo neither renderer can embed (WebP in Word). */
export const PHOTO_IN_SYSTEM = '照片见系统';

export function photoCaption(photo: CaseDocumentPhoto, index: number, count: number): string {
  const n = count > 1 ? `照片${index + 1}` : '照片';
  return photo.takenAt ? `${n}（拍摄时间：${formatCnDateTime(photo.takenAt)}）` : n;
}

export function documentPhotos(d: CaseDocumentData): CaseDocumentPhoto[] {
  return d.photos.slice(0, MAX_PHOTOS);
}

function splitLines(text: string): string[] {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  return lines.length ? lines : ['—'];
}

/** The body between the addressee and the signature. */
export function bodyBlocks(d: CaseDocumentData): BodyBlock[] {
  const c = d.case;
  const category = [c.majorName, c.categoryName].map((s) => s.trim()).filter(Boolean).join('／');
  if (d.kind === 'assignment_slip') {
    return [
      {
        type: 'paragraph',
        text:
          `现将你单位责任范围内发现的${category ? `${category}问题` : '问题'}（编号${c.number}）交办你单位，` +
          `请按整改要求${deadlinePhrase(d)}整改到位。`,
      },
      { type: 'heading', text: '一、问题情况' },
      { type: 'facts' },
      { type: 'heading', text: '二、工作要求' },
      {
        type: 'paragraph',
        text:
          '请接单后立即组织整改，整改完成后通过系统反馈整改情况并上传整改后照片；确有困难不能按期完成的，' +
          '请在期限届满前说明理由并申请延期。逾期未整改到位的，将予以督办并纳入考评。',
      },
    ];
  }
  const e = d.escalation;
  const slip = e?.originalSlipNumber?.trim();
  const level = e && e.level > 0 ? `第${e.level}次` : '';
  const overdue = e ? `已超过整改期限${formatOverdue(e.overdueHours)}` : '已超过整改期限';
  return [
    {
      type: 'paragraph',
      text:
        `${slip ? `我办以《问题整改交办单》（${slip}）` : '我办'}交办你单位的${category ? `${category}问题` : '问题'}` +
        `（编号${c.number}），${overdue}，至今未整改到位。现予${level}督办。`,
    },
    { type: 'heading', text: '一、问题情况' },
    { type: 'facts' },
    { type: 'heading', text: '二、整改要求' },
    {
      type: 'paragraph',
      text:
        `请你单位高度重视，接函后${deadlinePhrase(d)}完成整改，并将整改情况（附整改前后对比照片）通过系统报告我办。` +
        '逾期仍未整改到位的，将按有关规定予以通报，并纳入考评。',
    },
  ];
}

export const RECEIPT_LINE = '签收人：＿＿＿＿＿＿＿＿　　签收时间：＿＿＿＿＿＿＿＿';
