// The boxes of the bounding-box workbench (workbench-bbox.js) as values and as elements.
//
// A box is [x, y, w, h, label] in whole pixels of the ORIGINAL image. These functions take
// the image's size ({ width, height }) and return new boxes or new elements; the workbench
// keeps the list, the selection and the undo history.

export const MIN_SIZE = 2; // original pixels; anything smaller is a slip of the mouse
const TAG_ROOM = 22; // screen pixels above a box that its label tag needs

const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
export const copy = (list_) => list_.map((box) => [...box]);
export const same = (a, b) => a.every((value, i) => value === b[i]);

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

/** A box between two points (original pixels), clamped into the image and rounded. */
export function boxBetween(a, b, label, { width, height }) {
  const left = Math.round(clamp(Math.min(a.x, b.x), 0, width));
  const top = Math.round(clamp(Math.min(a.y, b.y), 0, height));
  const right = Math.round(clamp(Math.max(a.x, b.x), 0, width));
  const bottom = Math.round(clamp(Math.max(a.y, b.y), 0, height));
  return [left, top, right - left, bottom - top, label];
}

/** The box moved by (dx, dy) original pixels, kept inside the image. */
export function moved([x, y, w, h, label], dx, dy, { width, height }) {
  return [clamp(x + dx, 0, width - w), clamp(y + dy, 0, height - h), w, h, label];
}

/** The box with its right and bottom edges moved by (dx, dy), at least MIN_SIZE, inside the image. */
export function resized([x, y, w, h, label], dx, dy, { width, height }) {
  return [x, y, clamp(w + dx, MIN_SIZE, width - x), clamp(h + dy, MIN_SIZE, height - y), label];
}

// The smallest box under the point: a small box inside a big one stays reachable.
export function boxAt(boxes, point) {
  let found = -1;
  boxes.forEach(([x, y, w, h], index) => {
    const inside = point.x >= x && point.x <= x + w && point.y >= y && point.y <= y + h;
    if (inside && (found === -1 || w * h < boxes[found][2] * boxes[found][3])) found = index;
  });
  return found;
}

export function validBox(box, { width, height }, labels) {
  if (!Array.isArray(box) || box.length !== 5) return false;
  const [x, y, w, h, label] = box;
  return [x, y, w, h].every(Number.isFinite) && x >= 0 && y >= 0 && w > 0 && h > 0
    && x + w <= width && y + h <= height && labels.includes(label);
}

export function unique(list_) {
  const seen = new Set();
  return list_.filter((box) => {
    const key = JSON.stringify(box);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** A check item's expected boxes in words: how many of each label. */
export function boxCounts(boxes, noBoxes) {
  if (!boxes.length) return noBoxes;
  const counts = new Map();
  for (const box of boxes) counts.set(box[4], (counts.get(box[4]) || 0) + 1);
  return Array.from(counts, ([label, n]) => `${label} ×${n}`).join('、');
}

/** A box on the overlay, in percent of the image; the selected one has a resize handle. */
export function boxElement(box, index, { width, height, scale, selected, colourOf }) {
  const [x, y, w, h, label] = box;
  const element = document.createElement('div');
  element.className = `bbox-box ${colourOf(label)}`;
  element.dataset.index = String(index);
  element.dataset.label = label;
  element.style.left = `${(x / width) * 100}%`;
  element.style.top = `${(y / height) * 100}%`;
  element.style.width = `${(w / width) * 100}%`;
  element.style.height = `${(h / height) * 100}%`;
  const tag = document.createElement('span');
  tag.className = 'bbox-tag';
  tag.textContent = label;
  if (y * scale < TAG_ROOM) element.classList.add('tag-inside');
  element.append(tag);
  if (index === selected) {
    element.classList.add('is-selected');
    const handle = document.createElement('span');
    handle.className = 'bbox-handle';
    element.append(handle);
  }
  return element;
}

/** A box in the list beside the image: a button that selects it. */
export function listItem(box, index, { selected, colourOf, itemText }) {
  const [x, y, w, h, label] = box;
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `bbox-item ${colourOf(label)}`;
  button.dataset.index = String(index);
  if (index === selected) button.setAttribute('aria-current', 'true');
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.setAttribute('aria-hidden', 'true');
  button.append(swatch, fill(itemText, { label, x, y, w, h }));
  item.append(button);
  return item;
}
