import { type Color, type PDFDocument, type PDFFont, type PDFImage, type PDFPage, PageSizes } from 'pdf-lib';

import { breakLines } from './line-breaking';
import type { TextWidths } from './text-width';

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.A4;
export const MARGIN = 56;
/** Room kept under the text for the footer line. */
const BOTTOM = 64;
const FOOTER_BASELINE = 34;
export const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
/** Space between a list marker and its text; continuation lines line up with the text. */
const MARKER_INDENT = 14;

export interface TextStyle {
  font: PDFFont;
  size: number;
  color: Color;
  /** Multiple of the font size. */
  leading: number;
  /** Of `font`'s file, kept across documents. */
  widths: TextWidths;
}

export type Marker = 'bullet' | 'checkbox';

export interface PlacedLine {
  text: string;
  x: number;
  style: TextStyle;
  marker?: Marker;
}

/** Text flowing down A4 pages: a line that does not fit on the page starts the next one. */
export class FlowWriter {
  private readonly pages: PDFPage[] = [];
  private page!: PDFPage;
  /** Top of the next line box, in PDF points from the bottom of the page. */
  private top = 0;

  constructor(private readonly doc: PDFDocument) {
    this.startPage();
  }

  /** Breaks `text` to `width`; a marker goes before the first line, in the indent. */
  static lines(
    text: string,
    style: TextStyle,
    x: number,
    width: number,
    marker?: Marker,
  ): PlacedLine[] {
    const textX = marker ? x + MARKER_INDENT : x;
    const textWidth = marker ? width - MARKER_INDENT : width;
    return breakLines(text, textWidth, (piece) => style.widths.widthOf(piece, style.size)).map((line, index) => ({
      text: line,
      x: textX,
      style,
      marker: index === 0 ? marker : undefined,
    }));
  }

  paragraph(text: string, style: TextStyle): void {
    this.columns([FlowWriter.lines(text, style, MARGIN, CONTENT_WIDTH)]);
  }

  /**
   * Columns printed side by side, one line of each per row, sharing baselines (those of the column
   * with the tallest lines); rows may continue on the next page.
   */
  columns(columns: PlacedLine[][]): void {
    const rows = Math.max(...columns.map((column) => column.length));
    const tallest = columns
      .flatMap((column) => column.slice(0, 1).map((line) => line.style))
      .reduce((a, b) => (a.size * a.leading >= b.size * b.leading ? a : b));
    const lineHeight = tallest.size * tallest.leading;
    for (let row = 0; row < rows; row += 1) {
      this.makeRoom(lineHeight);
      // Centre the glyphs' ink (ascent about 0.88 em, descent 0.12 em) in the line box.
      const baseline = this.top - lineHeight / 2 - 0.38 * tallest.size;
      for (const column of columns) {
        const line = column[row];
        if (line) this.draw(line, baseline);
      }
      this.top -= lineHeight;
    }
  }

  /** Starts a new page unless `height` more points fit on this one, so a block is not split. */
  makeRoom(height: number): void {
    if (this.top - height < BOTTOM) this.startPage();
  }

  gap(height: number): void {
    this.top -= height;
  }

  /** An image at the left margin, at most `maxHeight` points tall and never wider than the text. */
  image(image: PDFImage, maxHeight: number): void {
    const scale = Math.min(maxHeight / image.height, CONTENT_WIDTH / image.width);
    const [width, height] = [image.width * scale, image.height * scale];
    this.makeRoom(height);
    this.top -= height;
    this.page.drawImage(image, { x: MARGIN, y: this.top, width, height });
  }

  rule(color: Color): void {
    this.makeRoom(1);
    this.page.drawLine({
      start: { x: MARGIN, y: this.top },
      end: { x: PAGE_WIDTH - MARGIN, y: this.top },
      thickness: 0.6,
      color,
    });
  }

  /** Once every page exists: the footer can then say "page 2 of 3". */
  footers(footerText: (page: number, pages: number) => string, style: TextStyle): void {
    this.pages.forEach((page, index) => {
      page.drawText(footerText(index + 1, this.pages.length), {
        x: MARGIN,
        y: FOOTER_BASELINE,
        font: style.font,
        size: style.size,
        color: style.color,
      });
    });
  }

  private startPage(): void {
    this.page = this.doc.addPage(PageSizes.A4);
    this.pages.push(this.page);
    this.top = PAGE_HEIGHT - MARGIN;
  }

  private draw(line: PlacedLine, baseline: number): void {
    const { font, size, color } = line.style;
    if (line.marker === 'bullet') {
      this.page.drawCircle({
        x: line.x - MARKER_INDENT + 3,
        y: baseline + size * 0.33,
        size: 1.6,
        color,
      });
    } else if (line.marker === 'checkbox') {
      const side = size * 0.8;
      this.page.drawRectangle({
        x: line.x - MARKER_INDENT,
        y: baseline - size * 0.06,
        width: side,
        height: side,
        borderColor: color,
        borderWidth: 0.7,
      });
    }
    if (line.text !== '') {
      this.page.drawText(line.text, { x: line.x, y: baseline, font, size, color });
    }
  }
}
