//! Money as Kill Bill handles it: ISO-4217 currencies, amounts rounded HALF_UP to the
//! currency's minor units, held here as integer minor units (never floats).

use serde::{Serialize, Serializer};

/// Currency codes of the spec's `currency` enum (`Account.currency` in kbswagger.yaml).
const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYR", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
    "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
    "GGP", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "IMP", "INR",
    "IQD", "IRR", "ISK", "JEP", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
    "LAK", "LBP", "LKR", "LRD", "LSL", "LTL", "LVL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRO",
    "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP",
    "SLL", "SOS", "SPL", "SRD", "STD", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TVD",
    "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VEF", "VND", "VUV", "WST", "XAF", "XCD", "XDR", "XOF", "XPF",
    "YER", "ZAR", "ZMW", "ZWD", "BTC",
];

/// Currencies without minor units (ISO-4217 exponent 0).
const ZERO_DECIMALS: &[&str] =
    &["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];

/// Currencies with three decimals (ISO-4217 exponent 3).
const THREE_DECIMALS: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// Kill Bill stores amounts as `numeric(15,9)`: six integer digits at most.
const MAX_UNITS: i128 = 1_000_000;

/// An ISO-4217 currency accepted by Kill Bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(&'static str);

impl Currency {
    /// Looks a code up in the spec's currency enum.
    pub fn parse(code: &str) -> Option<Self> {
        CURRENCIES.iter().find(|c| **c == code).map(|c| Self(c))
    }

    /// The three-letter code.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// Number of minor-unit digits (2 for USD, 0 for JPY, 3 for KWD, 8 for BTC).
    pub fn exponent(self) -> u32 {
        if ZERO_DECIMALS.contains(&self.0) {
            0
        } else if THREE_DECIMALS.contains(&self.0) {
            3
        } else if self.0 == "BTC" {
            8
        } else {
            2
        }
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// Why an amount could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a decimal number.
    #[error("invalid amount {0}")]
    Invalid(String),
    /// Does not fit Kill Bill's `numeric(15,9)` columns.
    #[error("amount {0} out of range")]
    OutOfRange(String),
}

/// Parses a decimal text (`"1200.005"`, `"-3"`, `"1e2"`) and rounds it HALF_UP (away from zero
/// on a tie, like Java's `RoundingMode.HALF_UP`) to `exponent` minor digits.
pub fn parse_minor(text: &str, exponent: u32) -> Result<i64, AmountError> {
    let invalid = || AmountError::Invalid(text.to_string());
    let (mantissa, scale) = parse_decimal(text).ok_or_else(invalid)?;
    let shift = i64::from(exponent) - scale;
    let minor = if shift >= 0 {
        mantissa.checked_mul(pow10(shift).ok_or_else(invalid)?).ok_or_else(invalid)?
    } else {
        let divisor = pow10(-shift).ok_or_else(invalid)?;
        let (quotient, remainder) = (mantissa / divisor, mantissa % divisor);
        let away = if remainder.abs() * 2 >= divisor { mantissa.signum() } else { 0 };
        quotient + away
    };
    if minor.abs() >= MAX_UNITS * pow10(i64::from(exponent)).ok_or_else(invalid)? {
        return Err(AmountError::OutOfRange(text.to_string()));
    }
    i64::try_from(minor).map_err(|_| AmountError::OutOfRange(text.to_string()))
}

/// Formats minor units as a plain decimal text with `exponent` digits after the point.
pub fn format_minor(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let (units, cents) = (abs / scale as u64, abs % scale as u64);
    format!("{sign}{units}.{cents:0width$}", width = exponent as usize)
}

/// An amount as it goes on the wire: a JSON number (Java `BigDecimal` in Kill Bill).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    /// Minor units.
    pub minor: i64,
    /// Minor-unit digits of the currency.
    pub exponent: u32,
}

impl Amount {
    /// Zero in a currency with `exponent` minor digits.
    pub fn zero(exponent: u32) -> Self {
        Self { minor: 0, exponent }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = format_minor(self.minor, self.exponent);
        let number: serde_json::Number = text.parse().map_err(serde::ser::Error::custom)?;
        number.serialize(s)
    }
}

/// Splits a decimal text into an integer mantissa and a scale (digits after the point).
fn parse_decimal(text: &str) -> Option<(i128, i64)> {
    let text = text.trim();
    let (number, exp) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let all = format!("{int_part}{frac_part}");
    if all.is_empty() || !all.bytes().all(|b| b.is_ascii_digit()) || all.len() > 36 {
        return None;
    }
    let mantissa: i128 = all.parse().ok()?;
    let scale = frac_part.len() as i64 - exp;
    Some((if negative { -mantissa } else { mantissa }, scale))
}

fn pow10(power: i64) -> Option<i128> {
    u32::try_from(power).ok().and_then(|p| 10i128.checked_pow(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_half_up_to_minor_units() {
        assert_eq!(parse_minor("1200", 2), Ok(120_000));
        assert_eq!(parse_minor("10.005", 2), Ok(1_001));
        assert_eq!(parse_minor("10.004", 2), Ok(1_000));
        assert_eq!(parse_minor("-10.005", 2), Ok(-1_001));
        assert_eq!(parse_minor("1e2", 0), Ok(100));
        assert_eq!(parse_minor("0.5", 0), Ok(1));
    }

    #[test]
    fn amounts_of_a_million_units_do_not_fit_the_database_column() {
        assert!(matches!(parse_minor("1000000", 0), Err(AmountError::OutOfRange(_))));
        assert_eq!(parse_minor("999999.99", 2), Ok(99_999_999));
    }

    #[test]
    fn garbage_is_not_an_amount() {
        assert!(matches!(parse_minor("12a", 2), Err(AmountError::Invalid(_))));
        assert!(matches!(parse_minor("", 2), Err(AmountError::Invalid(_))));
    }

    #[test]
    fn minor_units_format_with_the_currency_digits() {
        assert_eq!(format_minor(120_050, 2), "1200.50");
        assert_eq!(format_minor(-5, 2), "-0.05");
        assert_eq!(format_minor(1_300_000, 0), "1300000");
        assert_eq!(Currency::parse("KWD").map(Currency::exponent), Some(3));
        assert_eq!(Currency::parse("XXX"), None);
    }
}
