// A character diff for the cleaning preview, on Unicode code points (as the server's
// tasks/textdiff.py counts them), bounded in time and memory.
//
// After trimming the common prefix and suffix, the middle parts are compared with the
// longest-common-subsequence table when it has at most CELL_BUDGET cells; longer texts
// are first aligned line by line and only the changed lines compared by character.

const CELL_BUDGET = 1_000_000;
const STEP_BUDGET = 20_000_000;

function lcsOps(a, b) {
  // table[i * w + j] = LCS length of a[i:] and b[j:]. With at most CELL_BUDGET cells the
  // shorter side has at most 1,000 entries, so the lengths fit 16 bits.
  const w = b.length + 1;
  const table = new Uint16Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i * w + j] = a[i] === b[j] ? table[(i + 1) * w + j + 1] + 1
        : Math.max(table[(i + 1) * w + j], table[i * w + j + 1]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push(['equal', a[i]]);
      i += 1;
      j += 1;
    } else if (table[(i + 1) * w + j] >= table[i * w + j + 1]) {
      ops.push(['delete', a[i]]);
      i += 1;
    } else {
      ops.push(['insert', b[j]]);
      j += 1;
    }
  }
  for (; i < a.length; i += 1) ops.push(['delete', a[i]]);
  for (; j < b.length; j += 1) ops.push(['insert', b[j]]);
  return ops;
}

function merged(ops) {
  const out = [];
  for (const [op, text] of ops) {
    if (!text) continue;
    const last = out[out.length - 1];
    if (last && last[0] === op) last[1] += text;
    else out.push([op, text]);
  }
  return out;
}

function commonPrefix(a, b) {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n += 1;
  return n;
}

// Myers (1986) O((N+M)·D) shortest edit script, for lines: cleaning edits few lines of
// a long text, so D stays small. Gives up (null) when D would pass the step budget.
function myersOps(a, b) {
  const n = a.length;
  const m = b.length;
  const maxD = Math.min(n + m, Math.floor(STEP_BUDGET / (n + m)));
  const offset = maxD + 1;
  const v = new Int32Array(2 * maxD + 3);
  const trace = [];
  for (let d = 0; d <= maxD; d += 1) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
        ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, offset);
    }
  }
  return null;
}

function backtrack(trace, a, b, offset) {
  const ops = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d -= 1) {
    const v = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]);
    const prevX = down ? v[offset + k + 1] : v[offset + k - 1];
    const prevY = prevX - (down ? k + 1 : k - 1);
    while (x > prevX && y > prevY) {
      x -= 1;
      y -= 1;
      ops.push(['equal', a[x]]);
    }
    if (down) ops.push(['insert', b[prevY]]);
    else ops.push(['delete', a[prevX]]);
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x -= 1;
    y -= 1;
    ops.push(['equal', a[x]]);
  }
  return ops.reverse();
}

function splitLines(points) {
  const lines = [];
  let line = '';
  for (const ch of points) {
    line += ch;
    if (ch === '\n') {
      lines.push(line);
      line = '';
    }
  }
  if (line) lines.push(line);
  return lines;
}

function diffMiddle(a, b) {
  if (!a.length || !b.length || a.length * b.length <= CELL_BUDGET) return lcsOps(a, b);
  const lineOps = myersOps(splitLines(a), splitLines(b));
  if (lineOps === null) return [['delete', a.join('')], ['insert', b.join('')]];
  // Changed lines next to each other (a delete run, then an insert run) are compared by
  // character when they are short enough, so an edit inside a line shows as that edit.
  const ops = [];
  let deleted = [];
  let inserted = [];
  const flush = () => {
    const x = Array.from(deleted.join(''));
    const y = Array.from(inserted.join(''));
    if (x.length && y.length && x.length * y.length <= CELL_BUDGET) {
      for (const op of lcsOps(x, y)) ops.push(op);
    } else {
      ops.push(['delete', x.join('')], ['insert', y.join('')]);
    }
    deleted = [];
    inserted = [];
  };
  for (const [op, line] of lineOps) {
    if (op === 'delete') deleted.push(line);
    else if (op === 'insert') inserted.push(line);
    else {
      flush();
      ops.push(['equal', line]);
    }
  }
  flush();
  return ops;
}

/**
 * The edits that turn `oldText` into `newText`: [[op, text], ...] with op "equal",
 * "delete" or "insert"; equal + delete pieces give oldText, equal + insert give newText.
 */
export function textDiff(oldText, newText) {
  const a = Array.from(oldText);
  const b = Array.from(newText);
  const prefix = commonPrefix(a, b);
  const suffix = commonPrefix(a.slice(prefix).reverse(), b.slice(prefix).reverse());
  const middle = diffMiddle(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix));
  return merged([['equal', a.slice(0, prefix).join('')]].concat(middle,
    [['equal', a.slice(a.length - suffix).join('')]]));
}
