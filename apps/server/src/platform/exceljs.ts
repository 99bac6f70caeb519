import type ExcelJS from 'exceljs';

// ExcelJS takes almost half a second to import: it is loaded on first use, not at server start.
let excelJs: Promise<typeof ExcelJS> | null = null;

/** ExcelJS, imported once on first use (a failed import is tried again next time). */
export function loadExcelJS(): Promise<typeof ExcelJS> {
  excelJs ??= import('exceljs').then(
    (m) => m.default,
    (err: unknown) => {
      excelJs = null;
      throw err;
    },
  );
  return excelJs;
}
