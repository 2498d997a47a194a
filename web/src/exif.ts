// Reads the GPS position from a JPEG's EXIF block in the browser, so the report form can show
// "use the photo's location" on the map before submitting. Tolerant: anything unexpected
// gives null. (The server reads EXIF itself when no lon/lat is sent.)

export interface GpsPoint {
  lon: number
  lat: number
}

export async function readJpegGps(file: Blob): Promise<GpsPoint | null> {
  try {
    const buf = await file.slice(0, 256 * 1024).arrayBuffer()
    return parseJpegGps(new DataView(buf))
  } catch {
    return null
  }
}

export function parseJpegGps(v: DataView): GpsPoint | null {
  if (v.byteLength < 4 || v.getUint16(0) !== 0xffd8) return null
  let off = 2
  while (off + 4 <= v.byteLength) {
    if (v.getUint8(off) !== 0xff) return null
    const marker = v.getUint8(off + 1)
    const len = v.getUint16(off + 2)
    if (marker === 0xe1 && off + 10 <= v.byteLength && v.getUint32(off + 4) === 0x45786966 /* "Exif" */) {
      return parseTiff(v, off + 10, Math.min(v.byteLength, off + 2 + len))
    }
    if (marker === 0xda || len < 2) return null // start of scan: no EXIF before the image data
    off += 2 + len
  }
  return null
}

function parseTiff(v: DataView, start: number, end: number): GpsPoint | null {
  if (start + 8 > end) return null
  const little = v.getUint16(start) === 0x4949
  const u16 = (o: number): number => v.getUint16(start + o, little)
  const u32 = (o: number): number => v.getUint32(start + o, little)
  const inRange = (o: number, n: number): boolean => o >= 0 && start + o + n <= end
  const entries = (ifd: number): Map<number, number> => {
    const out = new Map<number, number>() // tag -> offset of its 12-byte entry
    if (!inRange(ifd, 2)) return out
    const n = u16(ifd)
    for (let i = 0; i < n && inRange(ifd + 2 + i * 12, 12); i++) out.set(u16(ifd + 2 + i * 12), ifd + 2 + i * 12)
    return out
  }
  const ifd0 = entries(u32(4))
  const gpsEntry = ifd0.get(0x8825)
  if (gpsEntry === undefined) return null
  const gps = entries(u32(gpsEntry + 8))
  const ref = (tag: number): string => {
    const e = gps.get(tag)
    return e === undefined ? '' : String.fromCharCode(v.getUint8(start + e + 8))
  }
  const dms = (tag: number): number | null => {
    const e = gps.get(tag)
    if (e === undefined || u16(e + 2) !== 5 || u32(e + 4) !== 3) return null // 3 RATIONALs
    const at = u32(e + 8)
    if (!inRange(at, 24)) return null
    let value = 0
    for (let i = 0; i < 3; i++) {
      const den = u32(at + i * 8 + 4)
      if (!den) return null
      value += u32(at + i * 8) / den / 60 ** i
    }
    return value
  }
  const lat = dms(2)
  const lon = dms(4)
  if (lat === null || lon === null) return null
  const point = { lat: ref(1) === 'S' ? -lat : lat, lon: ref(3) === 'W' ? -lon : lon }
  if (!(Math.abs(point.lat) <= 90 && Math.abs(point.lon) <= 180) || (point.lat === 0 && point.lon === 0)) return null
  return point
}
