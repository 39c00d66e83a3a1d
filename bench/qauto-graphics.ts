/**
 * The graphics set of bench/qauto-calibrate.ts, drawn by sharp (librsvg and Pango) so it needs no
 * files: a settings screen, a page of text, a bar chart and a logo, each 1280 px wide.
 */
import sharp from 'sharp';

const WIDTH = 1280;

function svg(height: number, body: string): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}">${body}</svg>`);
}

function screen(): Buffer {
  const rows = Array.from({ length: 9 }, (_, i) => {
    const y = 140 + i * 64;
    const on = i % 3 !== 1;
    return `<rect x="300" y="${y}" width="920" height="52" rx="6" fill="#ffffff" stroke="#d0d7de"/>
      <text x="320" y="${y + 33}" font-family="sans-serif" font-size="18" fill="#1f2328">Setting number ${i + 1}: notifications by e-mail</text>
      <rect x="1120" y="${y + 14}" width="48" height="24" rx="12" fill="${on ? '#2da44e' : '#8c959f'}"/>
      <circle cx="${on ? 1156 : 1132}" cy="${y + 26}" r="9" fill="#fff"/>`;
  }).join('');
  const menu = Array.from(
    { length: 8 },
    (_, i) =>
      `<text x="32" y="${160 + i * 44}" font-family="sans-serif" font-size="17" fill="${i === 2 ? '#0969da' : '#57606a'}">Menu entry ${i + 1}</text>`,
  ).join('');
  return svg(
    800,
    `<rect width="100%" height="100%" fill="#f6f8fa"/><rect width="100%" height="64" fill="#24292f"/>
     <text x="24" y="42" font-family="sans-serif" font-size="24" font-weight="bold" fill="#ffffff">Darkroom · Settings</text>
     <rect x="0" y="64" width="260" height="736" fill="#ffffff" stroke="#d0d7de"/>${menu}${rows}`,
  );
}

function page(): Buffer {
  const words = 'Quality chosen per image keeps text sharp while photos shrink, and every line here is small dark type on a light page'.split(' ');
  const lines = Array.from({ length: 30 }, (_, i) => {
    const line = Array.from({ length: 14 }, (_, j) => words[(i * 5 + j) % words.length]).join(' ');
    return `<text x="60" y="${70 + i * 30}" font-family="serif" font-size="${i === 0 ? 28 : 17}" fill="${i % 7 === 3 ? '#b3261e' : '#202124'}">${line}</text>`;
  }).join('');
  return svg(960, `<rect width="100%" height="100%" fill="#fffdf7"/>${lines}`);
}

function chart(): Buffer {
  const colours = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948'];
  const bars = Array.from({ length: 12 }, (_, i) => {
    const height = 80 + ((i * 137) % 420);
    return `<rect x="${120 + i * 92}" y="${620 - height}" width="60" height="${height}" fill="${colours[i % colours.length]}"/>
      <text x="${130 + i * 92}" y="650" font-family="sans-serif" font-size="15" fill="#333">M${i + 1}</text>`;
  }).join('');
  const grid = Array.from(
    { length: 6 },
    (_, i) =>
      `<line x1="100" x2="1240" y1="${620 - i * 100}" y2="${620 - i * 100}" stroke="#ccc" stroke-width="1"/><text x="50" y="${625 - i * 100}" font-family="sans-serif" font-size="14" fill="#555">${i * 100}</text>`,
  ).join('');
  return svg(
    720,
    `<rect width="100%" height="100%" fill="#ffffff"/>${grid}${bars}<text x="120" y="50" font-family="sans-serif" font-size="26" fill="#222">Monthly renders</text>`,
  );
}

function logo(): Buffer {
  return svg(
    640,
    `<rect width="100%" height="100%" fill="#0b3d91"/><circle cx="320" cy="320" r="200" fill="#fc3d21"/>
     <circle cx="320" cy="320" r="120" fill="#ffffff"/><path d="M120 420 L520 220" stroke="#ffffff" stroke-width="18"/>
     <text x="600" y="360" font-family="sans-serif" font-size="120" font-weight="bold" fill="#ffffff">darkroom</text>`,
  );
}

/** Each graphic's name and its pixels as PNG. */
export async function graphicsSet(): Promise<{ name: string; png: Buffer }[]> {
  const drawn = { screen: screen(), page: page(), chart: chart(), logo: logo() };
  return Promise.all(Object.entries(drawn).map(async ([name, source]) => ({ name, png: await sharp(source).png().toBuffer() })));
}
