//! The fonts embedded in the binary (DejaVu, LICENSE-DejaVu.txt beside
//! them): every document looks the same wherever it is rendered, with no
//! font looked up on the machine. The chart, the PDF and the ODT use them.

/// DejaVu Sans: Latin with every French accent, « », the dashes.
pub const REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// DejaVu Sans Bold: titles and labels.
pub const BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// The family's name, as style sheets and office documents name it.
pub const FAMILY: &str = "DejaVu Sans";
