//! Seeded random numbers for the Condo data set and fault decisions.
//!
//! Everything random in the emulator comes from here, so one seed reproduces the same
//! organizations, maps, tickets and fault sequence on every run.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// A deterministic random source; `stream` separates independent sequences of one seed.
pub struct SeededRng(ChaCha8Rng);

impl SeededRng {
    /// Creates the generator for `seed`, mixed with a per-purpose `stream` number.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mixed = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Self(ChaCha8Rng::seed_from_u64(mixed))
    }

    /// A uniform index in `0..n` (`n` must be positive).
    pub fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }

    /// A uniform integer in `lo..hi` (`hi` exclusive, must exceed `lo`).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.0.random_range(lo..hi)
    }

    /// A uniform number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// True with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p.clamp(0.0, 1.0)
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index chosen with the given relative weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut roll = self.0.random_range(0..total.max(1));
        for (index, weight) in weights.iter().enumerate() {
            if roll < *weight {
                return index;
            }
            roll -= weight;
        }
        weights.len() - 1
    }

    /// A version-4 UUID built from the seeded stream.
    pub fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        self.0.fill_bytes(&mut bytes);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// A string of `len` characters from `[A-Za-z0-9]`.
    pub fn alphanumeric(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len).map(|_| CHARS[self.below(CHARS.len())] as char).collect()
    }
}

/// A random (not seeded) version-4 UUID, for identifiers that need no reproducibility.
pub fn random_uuid() -> Uuid {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::SeededRng;

    #[test]
    fn the_same_seed_and_stream_give_the_same_sequence() {
        let mut a = SeededRng::new(7, 1);
        let mut b = SeededRng::new(7, 1);
        assert_eq!(a.uuid(), b.uuid());
        assert_eq!(a.range(0, 1_000_000), b.range(0, 1_000_000));
    }

    #[test]
    fn different_streams_give_different_sequences() {
        let mut a = SeededRng::new(7, 1);
        let mut b = SeededRng::new(7, 2);
        assert_ne!(a.uuid(), b.uuid());
    }
}
