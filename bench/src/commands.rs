//! The commands the benchmarks type, the same everywhere: what members do
//! most (look a group up, join and leave one, ask who they are, list the
//! meetings, ask for help) on the groups of [`crate::scale`].

use crate::scale;
use crate::stats::Rng;

/// The kinds of command, in the order of the mix.
pub const KINDS: [&str; 6] = [
    "!groupe info",
    "!groupe rejoindre",
    "!moi",
    "!groupe quitter",
    "!reunion liste",
    "!aide",
];

/// Command `n` of a member's sequence: a join is followed, two commands
/// later, by leaving the same group. Returns (kind, text).
pub fn nth(n: usize, groups: usize, rng: &mut Rng, joined: &mut usize) -> (&'static str, String) {
    let kind = KINDS[n % KINDS.len()];
    let text = match n % KINDS.len() {
        0 => format!("!groupe info {}", scale::slug(rng.below(groups))),
        1 => {
            *joined = rng.below(groups);
            format!("!groupe rejoindre {}", scale::slug(*joined))
        }
        2 => "!moi".to_string(),
        3 => format!("!groupe quitter {}", scale::slug(*joined)),
        4 => "!reunion liste".to_string(),
        _ => "!aide".to_string(),
    };
    (kind, text)
}
