/**
 * Two of ExcelJS's internal parsers (CommonJS, no typings), used to read a workbook's sheet list
 * before its streaming reader starts (see imports/xlsx-read.ts).
 */
interface ExcelJsXform {
  parseStream(stream: NodeJS.ReadableStream): Promise<unknown>;
  model: unknown;
  map: Record<string, unknown>;
}

declare module 'exceljs/lib/xlsx/xform/book/workbook-xform.js' {
  const WorkbookXform: new () => ExcelJsXform;
  export default WorkbookXform;
}

declare module 'exceljs/lib/xlsx/xform/core/relationships-xform.js' {
  const RelationshipsXform: new () => ExcelJsXform;
  export default RelationshipsXform;
}
