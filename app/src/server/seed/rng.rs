//! A tiny fixed-seed generator (SplitMix64), so the demo data is identical on
//! every machine and every run.

/// Deterministic pseudo-random numbers.
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    /// A value in `-max..max`, rounded to 5 decimals (for coordinates).
    pub fn offset(&mut self, max: f64) -> f64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((unit * 2.0 - 1.0) * max * 100_000.0).round() / 100_000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<_> = (0..20).map(|_| a.below(100)).collect();
        let ys: Vec<_> = (0..20).map(|_| b.below(100)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| *x < 100));
        assert!(xs.iter().any(|x| *x != xs[0]), "not constant");
    }

    #[test]
    fn offsets_stay_within_bounds() {
        let mut r = Rng::new(1);
        assert!((0..1000).map(|_| r.offset(0.5)).all(|x| (-0.5..=0.5).contains(&x)));
    }
}
