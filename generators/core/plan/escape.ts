// Every value that reaches an emitted file goes through one of these, chosen for the target language.
// Templates use `<%- bicep.str(x) %>` / `<%- yaml.str(x) %>`; plain `<%= x %>` is only for tokens
// that the ejs escape hook below accepts (letters, digits and . _ / @ : + = -).

/** A Bicep single-quoted string literal. */
function bicepStr(value: string): string {
  // `u`: a character outside the BMP is one code point (one \u{...}), not two surrogate halves.
  const body = value.replace(/[\\'\n\r\t]|\$\{|[^\x20-\x7e]/gu, (m) => {
    switch (m) {
      case '\\': return '\\\\';
      case "'": return "\\'";
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      case '${': return '\\${';
      default: return `\\u{${m.codePointAt(0)!.toString(16)}}`;
    }
  });
  return `'${body}'`;
}

/** A YAML double-quoted scalar (JSON string syntax is valid YAML), with non-ASCII escaped. */
function yamlStr(value: string): string {
  // YAML's \u takes 4 hex digits and \U 8: a character outside the BMP is one \U escape, not a surrogate pair.
  return JSON.stringify(value).replace(/[^\x20-\x7e]/gu, (ch) => {
    const code = ch.codePointAt(0)!;
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export const bicep = {
  str: bicepStr,
  /** A Bicep array of strings on one line: ['a', 'b']. */
  strArray: (values: readonly string[]) => `[${values.map(bicepStr).join(', ')}]`,
  bool: (value: boolean) => (value ? 'true' : 'false'),
  int: (value: number) => {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  },
};

export const yaml = {
  str: yamlStr,
  /** A YAML flow sequence of strings: ["a", "b"]. */
  strArray: (values: readonly string[]) => `[${values.map(yamlStr).join(', ')}]`,
};

/** CommonMark ends a line at \n, \r\n and a lone \r; any of them would end a table row. */
const LINE_ENDINGS = /\r\n|\r|\n/g;

export const md = {
  /** Text for a Markdown table cell or paragraph: no HTML, no entities, no emphasis, no table breaks. */
  text: (value: string) => value.replace(/[\\`*_{}[\]<>|#&~]/g, (ch) => `\\${ch}`).replace(LINE_ENDINGS, ' '),
  /** Inline code; backticks in the value widen the fence. */
  code: (value: string) => {
    const fence = '`'.repeat((value.match(/`+/g) ?? ['']).reduce((n, run) => Math.max(n, run.length), 0) + 1);
    return `${fence}${fence.length > 1 ? ' ' : ''}${value.replace(/\|/g, '\\|').replace(LINE_ENDINGS, ' ')}${fence.length > 1 ? ' ' : ''}${fence}`;
  },
};

const PLAIN_TOKEN = /^[A-Za-z0-9._/@:+=-]*$/;

/** The ejs escape hook: `<%= %>` only places plain tokens; anything else must be escaped explicitly. */
export function plainToken(value: unknown): string {
  const text = String(value);
  if (!PLAIN_TOKEN.test(text)) {
    throw new Error(`template placed ${JSON.stringify(text)} with <%= %>; use bicep.str/yaml.str/md.text with <%- %>`);
  }
  return text;
}
