// Deterministic colours: the same code always gets the same colour, and
// neighbouring codes (…001, …002) get clearly different hues.

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l)
  const f = (n: number): string => {
    const k = (n + h / 30) % 12
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0')
  }
  return `#${f(0)}${f(8)}${f(4)}`
}

export function colorForCode(code: string): string {
  const h = fnv1a(code)
  // golden-angle spread of the hash keeps hues apart; vary lightness a little.
  const hue = ((h % 360) * 137.508) % 360
  const sat = 0.55 + ((h >>> 9) % 20) / 100
  const light = 0.52 + ((h >>> 17) % 14) / 100
  return hslToHex(hue, sat, light)
}
