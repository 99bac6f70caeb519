/**
 * The case documents as Word files (.docx), laid out after GB/T 9704-2012: red 发文机关标志,
 * 发文字号 centred under it, red separator line, title 方正小标宋简体 二号, body 仿宋_GB2312 三号
 * on a fixed 28.95 pt pitch, first-level headings 黑体, page numbers "— 1 —" outside.
 *
 * The fonts are named in every run (ascii, hAnsi, eastAsia): office PCs have them; elsewhere the
 * viewer substitutes its own.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IFontAttributesProperties,
} from 'docx';
import {
  FONT_BODY,
  FONT_HEADING,
  FONT_TITLE,
  LINE_PITCH_PT,
  PAGE_HEIGHT_MM,
  PAGE_MARGIN_MM,
  PAGE_WIDTH_MM,
  PHOTOS_LABEL,
  PHOTO_IN_SYSTEM,
  RECEIPT_LINE,
  RED,
  SIZE_BODY_PT,
  SIZE_TABLE_PT,
  SIZE_TITLE_PT,
  TEXT_WIDTH_MM,
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

const twip = (mm: number): number => Math.round((mm / 25.4) * 1440);
const ptTwip = (pt: number): number => Math.round(pt * 20);
/** docx image sizes are pixels at 96 dpi. */
const px = (mm: number): number => Math.floor((mm / 25.4) * 96);
/** Run sizes are half-points. */
const half = (pt: number): number => Math.round(pt * 2);

function font(name: string): IFontAttributesProperties {
  return { ascii: name, hAnsi: name, eastAsia: name, cs: name, hint: 'eastAsia' };
}

const TEXT_WIDTH_TWIP = twip(TEXT_WIDTH_MM);
const LABEL_COL_TWIP = twip(30);
const VALUE_COL_TWIP = TEXT_WIDTH_TWIP - LABEL_COL_TWIP;
const BODY_LINE = { line: ptTwip(LINE_PITCH_PT), lineRule: LineRuleType.EXACT, before: 0, after: 0 } as const;
const TABLE_LINE = { line: ptTwip(SIZE_TABLE_PT * 1.6), lineRule: LineRuleType.AT_LEAST, before: 40, after: 40 } as const;

function bodyRun(text: string, opts: { font?: string; size?: number; color?: string; bold?: boolean } = {}): TextRun {
  return new TextRun({
    text,
    font: font(opts.font ?? FONT_BODY),
    size: half(opts.size ?? SIZE_BODY_PT),
    ...(opts.color ? { color: opts.color } : {}),
    ...(opts.bold ? { bold: true } : {}),
  });
}

function blankLine(keepNext = false): Paragraph {
  return new Paragraph({ spacing: BODY_LINE, keepNext, children: [bodyRun('')] });
}

/** 版头: 发文机关标志, 发文字号, red separator (a double 上粗下细 line on the letter). */
function letterhead(d: CaseDocumentData): Paragraph[] {
  const mark = headerMark(d);
  const markSize = headerMarkSizePt(mark);
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { line: ptTwip(markSize * 1.25), lineRule: LineRuleType.AT_LEAST, before: 0, after: 0 },
      children: [bodyRun(mark, { font: FONT_TITLE, size: markSize, color: RED })],
    }),
    blankLine(),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: BODY_LINE,
      border: {
        bottom: {
          style: d.kind === 'urging_letter' ? BorderStyle.THICK_THIN_SMALL_GAP : BorderStyle.SINGLE,
          size: d.kind === 'urging_letter' ? 24 : 12,
          color: RED,
          space: 8,
        },
      },
      children: [bodyRun(d.number)],
    }),
    blankLine(),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { line: ptTwip(SIZE_TITLE_PT * 1.6), lineRule: LineRuleType.AT_LEAST, before: 0, after: 0 },
      children: [bodyRun(documentTitle(d), { font: FONT_TITLE, size: SIZE_TITLE_PT })],
    }),
    blankLine(),
  ];
}

function tableParagraph(text: string, opts: { label?: boolean } = {}): Paragraph {
  return new Paragraph({
    alignment: opts.label ? AlignmentType.CENTER : AlignmentType.LEFT,
    spacing: TABLE_LINE,
    children: [bodyRun(text, { size: SIZE_TABLE_PT, font: opts.label ? FONT_HEADING : FONT_BODY })],
  });
}

function photoParagraphs(photos: CaseDocumentPhoto[]): Paragraph[] {
  if (!photos.length) return [tableParagraph('无')];
  const out: Paragraph[] = [];
  photos.forEach((photo, i) => {
    const size = photo.mime === 'image/webp' ? null : imageSize(photo);
    if (!size) {
      out.push(tableParagraph(`${photoCaption(photo, i, photos.length)}：${PHOTO_IN_SYSTEM}`));
      return;
    }
    const box = photoBoxMm(size);
    out.push(
      new Paragraph({
        alignment: AlignmentType.LEFT,
        spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 60, after: 0 },
        keepNext: true,
        children: [
          new ImageRun({
            type: photo.mime === 'image/png' ? 'png' : 'jpg',
            data: photo.data,
            transformation: { width: px(box.widthMm), height: px(box.heightMm) },
            altText: { name: `photo-${i + 1}`, description: photoCaption(photo, i, photos.length), title: PHOTOS_LABEL },
          }),
        ],
      }),
      tableParagraph(photoCaption(photo, i, photos.length)),
    );
  });
  return out;
}

function factsTable(d: CaseDocumentData): Table {
  const cellMargins = { top: 60, bottom: 60, left: 100, right: 100 };
  const row = (label: string, children: Paragraph[]): TableRow =>
    new TableRow({
      children: [
        new TableCell({
          width: { size: LABEL_COL_TWIP, type: WidthType.DXA },
          verticalAlign: VerticalAlignTable.CENTER,
          margins: cellMargins,
          children: [tableParagraph(label, { label: true })],
        }),
        new TableCell({
          width: { size: VALUE_COL_TWIP, type: WidthType.DXA },
          verticalAlign: VerticalAlignTable.CENTER,
          margins: cellMargins,
          children,
        }),
      ],
    });
  const rows = factRows(d).map((r) => row(r.label, r.lines.map((l) => tableParagraph(l))));
  rows.push(row(PHOTOS_LABEL, photoParagraphs(documentPhotos(d))));
  const line = { style: BorderStyle.SINGLE, size: 6, color: '000000' } as const;
  return new Table({
    width: { size: TEXT_WIDTH_TWIP, type: WidthType.DXA },
    columnWidths: [LABEL_COL_TWIP, VALUE_COL_TWIP],
    layout: TableLayoutType.FIXED,
    alignment: AlignmentType.CENTER,
    borders: { top: line, bottom: line, left: line, right: line, insideHorizontal: line, insideVertical: line },
    rows,
  });
}

/**
 * 发文机关署名 and 成文日期: the date ends four characters from the right margin, the issuer is
 * centred over it (or, when it is the longer of the two, ends two characters from the margin and the
 * date is centred under it).
 */
function signature(d: CaseDocumentData): Paragraph[] {
  const date = formatCnDate(d.issuedAt);
  const em = SIZE_BODY_PT;
  const wIssuer = textWidthPt(d.issuer, em);
  const wDate = textWidthPt(date, em);
  let issuerRight: number;
  let dateRight: number;
  if (wIssuer <= wDate) {
    dateRight = 4 * em;
    issuerRight = dateRight + (wDate - wIssuer) / 2;
  } else {
    issuerRight = 2 * em;
    dateRight = Math.max(issuerRight + (wIssuer - wDate) / 2, 0);
  }
  const right = (text: string, indentPt: number): Paragraph =>
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: BODY_LINE,
      indent: { right: ptTwip(indentPt) },
      keepNext: true,
      keepLines: true,
      children: [bodyRun(text)],
    });
  // The receipt line is kept with the date, the date with the issuer, and the last paragraph of the
  // body with the issuer (Word's widow control brings at least two of its lines along): the
  // signature never starts a page of its own.
  return [
    blankLine(true),
    right(d.issuer, issuerRight),
    right(date, dateRight),
    blankLine(true),
    new Paragraph({ spacing: BODY_LINE, children: [bodyRun(RECEIPT_LINE)] }),
  ];
}

function pageNumberFooter(align: 'left' | 'right'): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: align === 'left' ? AlignmentType.LEFT : AlignmentType.RIGHT,
        indent: align === 'left' ? { left: ptTwip(14) } : { right: ptTwip(14) },
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: font('宋体'), size: half(14) })],
      }),
    ],
  });
}

export async function renderDocx(d: CaseDocumentData): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [...letterhead(d)];
  children.push(
    new Paragraph({ spacing: BODY_LINE, children: [bodyRun(`${d.unit.name.trim()}：`)] }),
  );
  const blocks = bodyBlocks(d);
  blocks.forEach((block, i) => {
    if (block.type === 'paragraph') {
      const last = i === blocks.length - 1;
      children.push(
        new Paragraph({
          alignment: AlignmentType.JUSTIFIED,
          spacing: BODY_LINE,
          indent: { firstLine: ptTwip(2 * SIZE_BODY_PT) },
          ...(last ? { keepNext: true } : {}),
          children: [bodyRun(block.text)],
        }),
      );
    } else if (block.type === 'heading') {
      children.push(
        new Paragraph({
          spacing: BODY_LINE,
          indent: { firstLine: ptTwip(2 * SIZE_BODY_PT) },
          keepNext: true,
          children: [bodyRun(block.text, { font: FONT_HEADING })],
        }),
      );
    } else {
      children.push(factsTable(d));
    }
  });
  children.push(...signature(d));

  const doc = new Document({
    creator: d.issuer,
    title: `${documentTitle(d)} ${d.number}`,
    subject: `${d.case.number} ${d.unit.name}`,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { font: font(FONT_BODY), size: half(SIZE_BODY_PT), language: { value: 'zh-CN', eastAsia: 'zh-CN' } },
          paragraph: { spacing: { before: 0, after: 0 } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: twip(PAGE_WIDTH_MM), height: twip(PAGE_HEIGHT_MM) },
            margin: {
              top: twip(PAGE_MARGIN_MM.top),
              right: twip(PAGE_MARGIN_MM.right),
              bottom: twip(PAGE_MARGIN_MM.bottom),
              left: twip(PAGE_MARGIN_MM.left),
              header: twip(15),
              footer: twip(23),
            },
          },
        },
        footers: { default: pageNumberFooter('right'), even: pageNumberFooter('left') },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
