//! Percentiles of measured durations, and their printing.

use std::time::Duration;

/// Durations measured for one thing (a kind of round trip, say).
#[derive(Debug, Default, Clone)]
pub struct Sample {
    values: Vec<Duration>,
}

impl Sample {
    pub fn push(&mut self, d: Duration) {
        self.values.push(d);
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The `p`-th percentile (nearest rank), or zero for an empty sample.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.values.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.values.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    pub fn p50(&self) -> Duration {
        self.percentile(50.0)
    }
    pub fn p95(&self) -> Duration {
        self.percentile(95.0)
    }
    pub fn p99(&self) -> Duration {
        self.percentile(99.0)
    }
    pub fn max(&self) -> Duration {
        self.values.iter().copied().max().unwrap_or_default()
    }
}

/// Milliseconds, to one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Microseconds, for what is well under a millisecond.
pub fn us(d: Duration) -> String {
    format!("{} µs", d.as_micros())
}

/// `a / b`, as "1.23×".
pub fn ratio(a: Duration, b: Duration) -> String {
    if b.is_zero() {
        return "–".into();
    }
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64())
}

/// A small deterministic generator (xorshift64*): the same run every time.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// How sure the p50 of `a` over the p50 of `b` is: a 95 % interval by
/// bootstrap. Both samples are drawn again, with replacement, 2000 times
/// (a fixed seed: the same samples give the same interval); the interval
/// runs from the 2.5th to the 97.5th percentile of the 2000 ratios of
/// medians. One that holds 1.00 says the two p50 are not told apart by
/// these samples. None for an empty sample.
pub fn p50_ratio_interval(a: &Sample, b: &Sample) -> Option<(f64, f64)> {
    const DRAWS: usize = 2000;
    if a.values.is_empty() || b.values.is_empty() {
        return None;
    }
    let mut rng = Rng::new(0x5eed_b007);
    let mut redraw = |s: &Sample| Sample {
        values: (0..s.values.len())
            .map(|_| s.values[rng.below(s.values.len())])
            .collect(),
    };
    let mut ratios: Vec<f64> = (0..DRAWS)
        .map(|_| {
            let (ra, rb) = (redraw(a).p50(), redraw(b).p50());
            ra.as_secs_f64() / rb.as_secs_f64()
        })
        .filter(|r| r.is_finite())
        .collect();
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((q * ratios.len() as f64) as usize).min(ratios.len() - 1)];
    Some((at(0.025), at(0.975)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Sample::default();
        for i in 1..=100 {
            s.push(Duration::from_millis(i));
        }
        assert_eq!(s.p50(), Duration::from_millis(50));
        assert_eq!(s.p95(), Duration::from_millis(95));
        assert_eq!(s.p99(), Duration::from_millis(99));
        assert_eq!(s.max(), Duration::from_millis(100));
        let mut one = Sample::default();
        one.push(Duration::from_millis(7));
        assert_eq!(one.p99(), Duration::from_millis(7));
        assert_eq!(Sample::default().p50(), Duration::ZERO);
    }

    #[test]
    fn a_p50_ratio_interval_holds_the_ratio_and_tells_apart_what_differs() {
        let sample = |scale: u64| {
            let mut s = Sample::default();
            for i in 0..200u64 {
                s.push(Duration::from_micros(
                    scale * (100_000 + (i * 7919) % 20_000),
                ));
            }
            s
        };
        let (low, high) = p50_ratio_interval(&sample(1), &sample(1)).expect("interval");
        assert!(low < 1.0 && 1.0 < high, "{low}..{high}");
        assert!(high - low < 0.1, "{low}..{high}");
        let (low, high) = p50_ratio_interval(&sample(2), &sample(1)).expect("interval");
        assert!(low > 1.8 && high < 2.2, "{low}..{high}");
        assert_eq!(p50_ratio_interval(&Sample::default(), &sample(1)), None);
    }

    #[test]
    fn ratios() {
        assert_eq!(
            ratio(Duration::from_millis(60), Duration::from_millis(40)),
            "1.50×"
        );
        assert_eq!(ratio(Duration::from_millis(1), Duration::ZERO), "–");
    }
}
