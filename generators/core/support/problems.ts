// One shape for every invalid input, whichever entry point found it.

export interface Problem {
  /** The key as the user wrote it: answers key, `workloads[1].port`, `--flag`, or a file. */
  key: string;
  value?: unknown;
  /** Show the value uncut: a path the user must recognise (the destination), not an answer they typed. */
  whole?: boolean;
  rule: string;
}

const MAX_SHOWN = 60;

/** Shows a value safely on one line: quoted, escaped, long values cut (unless `whole`). */
export function showValue(value: unknown, whole = false): string {
  let text = JSON.stringify(value) ?? String(value);
  // Make invisible and look-alike characters visible.
  text = text.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  return text.length > MAX_SHOWN && !whole ? `${text.slice(0, MAX_SHOWN - 1)}…(${text.length} characters)` : text;
}

export function formatProblem(problem: Problem): string {
  return 'value' in problem && problem.value !== undefined
    ? `${problem.key} ${showValue(problem.value, problem.whole)}: ${problem.rule}`
    : `${problem.key}: ${problem.rule}`;
}

/** Thrown when input is invalid; carries every problem so all are reported at once. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[], heading = 'Invalid input; nothing was written') {
    super(`${heading}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'InputError';
    this.problems = problems;
  }
}
