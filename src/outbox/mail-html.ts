import Mustache from 'mustache';

/** What the HTML layout shows around a mail's text. */
export interface MailLayoutValues {
  lang: 'zh' | 'en';
  subject: string;
  orgName: string;
  supportEmail: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]);

/** Consecutive "- " lines form a list; the lines between them stay text ("We still need:" above a list). */
function runs(lines: string[]): { list: boolean; lines: string[] }[] {
  const result: { list: boolean; lines: string[] }[] = [];
  for (const line of lines) {
    const list = /^- /.test(line);
    const last = result.at(-1);
    if (last && last.list === list) last.lines.push(line);
    else result.push({ list, lines: [line] });
  }
  return result;
}

/**
 * The HTML part of a mail, from its plain text: paragraphs at blank lines, "- " lines as a list,
 * every character escaped (customer and staff words included), inside the operator's layout.
 */
export function mailHtml(text: string, layout: string, values: MailLayoutValues): string {
  const body = text
    .trim()
    .split(/\n{2,}/)
    .flatMap((paragraph) => runs(paragraph.split('\n')))
    .map((run) =>
      run.list
        ? `<ul style="margin:0 0 12px;padding-left:20px;">${run.lines.map((line) => `<li>${escape(line.slice(2))}</li>`).join('')}</ul>`
        : `<p style="margin:0 0 12px;">${run.lines.map(escape).join('<br>')}</p>`,
    )
    .join('\n');
  return Mustache.render(layout, { ...values, body });
}
