//! The digest's picture: attendance per organisation over the last meetings,
//! as horizontal bars (present in green, excused in orange) with the
//! organisation's name, written as a PNG by hand (8×8 bitmap font, zlib
//! through flate2, CRC-32) so that no image library is needed.

use std::io::Write;

use font8x8::UnicodeFonts;

const SCALE: usize = 2;
const ROW: usize = 8 * SCALE + 8;
/// Room for 22 characters of the organisation's name.
const LABEL: usize = 22 * 8 * SCALE;
const BAR_UNIT: usize = 36;
const MARGIN: usize = 12;

struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: usize, height: usize) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![255; width * height * 3],
        }
    }

    fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, rgb: [u8; 3]) {
        for yy in y..(y + h).min(self.height) {
            for xx in x..(x + w).min(self.width) {
                let i = (yy * self.width + xx) * 3;
                self.pixels[i..i + 3].copy_from_slice(&rgb);
            }
        }
    }

    /// Text in the 8×8 font, scaled; characters without a glyph show as '?'.
    fn text(&mut self, x: usize, y: usize, s: &str, scale: usize) {
        for (n, c) in s.chars().enumerate() {
            let glyph = font8x8::BASIC_FONTS
                .get(c)
                .or_else(|| font8x8::LATIN_FONTS.get(c))
                .or_else(|| font8x8::BASIC_FONTS.get('?'))
                .unwrap_or([0; 8]);
            for (row, bits) in glyph.iter().enumerate() {
                for col in 0..8 {
                    if bits & (1 << col) != 0 {
                        self.fill(
                            x + (n * 8 + col) * scale,
                            y + row * scale,
                            scale,
                            scale,
                            [40, 40, 40],
                        );
                    }
                }
            }
        }
    }

    fn png(&self) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = crc32fast::Hasher::new();
            crc.update(kind);
            crc.update(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc.finalize().to_be_bytes());
        }
        let mut raw = Vec::with_capacity(self.pixels.len() + self.height);
        for row in self.pixels.chunks(self.width * 3) {
            raw.push(0); // no filter
            raw.extend_from_slice(row);
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing to a Vec cannot fail.
        let _ = z.write_all(&raw);
        let compressed = z.finish().unwrap_or_default();
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut header = Vec::new();
        header.extend_from_slice(&(self.width as u32).to_be_bytes());
        header.extend_from_slice(&(self.height as u32).to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
        chunk(&mut out, b"IHDR", &header);
        chunk(&mut out, b"IDAT", &compressed);
        chunk(&mut out, b"IEND", &[]);
        out
    }
}

/// The attendance chart of `rows` (organisation, present, excused) over
/// `meetings` meetings, with `title` above it.
pub fn attendance_png(title: &str, rows: &[(String, usize, usize)], meetings: usize) -> Vec<u8> {
    let rows = &rows[..rows.len().min(20)];
    let width = MARGIN * 2 + LABEL + BAR_UNIT * meetings.max(1) + 40;
    let height = MARGIN * 2 + ROW * (rows.len() + 1);
    let mut c = Canvas::new(
        width.max(title.chars().count() * 8 * SCALE + 2 * MARGIN),
        height,
    );
    c.text(MARGIN, MARGIN, title, SCALE);
    for (i, (org, present, excused)) in rows.iter().enumerate() {
        let y = MARGIN + ROW * (i + 1);
        let label: String = org.chars().take(LABEL / (8 * SCALE) - 1).collect();
        c.text(MARGIN, y + 4, &label, SCALE);
        let x = MARGIN + LABEL;
        c.fill(x, y + 2, present * BAR_UNIT, ROW - 8, [46, 160, 67]);
        c.fill(
            x + present * BAR_UNIT,
            y + 2,
            excused * BAR_UNIT,
            ROW - 8,
            [240, 150, 40],
        );
        let count = format!("{present}");
        c.text(x + (present + excused) * BAR_UNIT + 6, y + 4, &count, SCALE);
    }
    c.png()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_png_of_the_right_size() {
        let rows = vec![
            ("Arles".to_string(), 2, 0),
            ("Châteauneuf".to_string(), 1, 1),
        ];
        let png = attendance_png("Présences", &rows, 2);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]) as usize;
        let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]) as usize;
        assert_eq!(height, MARGIN * 2 + ROW * 3);
        assert!(width > LABEL);
        // The IHDR chunk's CRC is right.
        let mut crc = crc32fast::Hasher::new();
        crc.update(&png[12..29]);
        assert_eq!(png[29..33], crc.finalize().to_be_bytes());
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }
}
