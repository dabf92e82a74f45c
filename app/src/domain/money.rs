//! Money as integer minor units plus an ISO-4217 currency. Never a float.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO-4217 currency code such as `EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// `XXX`, ISO 4217's code for "no currency": what an amount whose stored
    /// code is unreadable is shown in.
    pub const UNKNOWN: Currency = Currency(*b"XXX");

    /// The euro.
    pub const EUR: Currency = Currency(*b"EUR");

    /// Parses a three-letter upper-case code.
    pub fn parse(code: &str) -> Result<Self, String> {
        let bytes = code.trim().as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Self([*a, *b, *c])),
            _ => Err(format!("`{code}` is not an ISO-4217 currency code")),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point for this currency (ISO-4217 exponent).
    pub fn exponent(&self) -> u32 {
        match self.as_str() {
            "JPY" | "KRW" | "CLP" | "ISK" | "VND" => 0,
            "BHD" | "KWD" | "OMR" | "TND" | "JOD" => 3,
            _ => 2,
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        match self.as_str() {
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "USD" => Some("$"),
            _ => None,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

/// An amount of money in the currency's minor units (cents for EUR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Amount in minor units; negative for credits.
    pub minor: i64,
    /// The currency the amount is in.
    pub currency: Currency,
}

impl Money {
    /// Builds an amount from minor units.
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Builds an amount from a database row's minor units and currency code.
    pub fn from_parts(minor: i64, currency: &str) -> Result<Self, String> {
        Ok(Self::new(minor, Currency::parse(currency)?))
    }

    /// Parses an amount written in the currency's major unit (`1500`, `12.5`,
    /// `0.125` for a three-decimal currency) into minor units, using the
    /// currency's ISO 4217 exponent: at most that many digits after the point,
    /// none for a zero-decimal currency. `None` for anything else (signs,
    /// exponents, spaces, overflow).
    pub fn parse_major(text: &str, currency: Currency) -> Option<Self> {
        let exp = currency.exponent();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > exp as usize {
            return None;
        }
        if text.contains('.') && fraction.is_empty() {
            return None;
        }
        let scale = 10i64.pow(exp);
        let padded = format!("{fraction:0<width$}", width = exp as usize);
        let fraction: i64 = if padded.is_empty() { 0 } else { padded.parse().ok()? };
        let minor = whole.parse::<i64>().ok()?.checked_mul(scale)?.checked_add(fraction)?;
        Some(Self::new(minor, currency))
    }

    /// An amount whose currency is not known (`XXX`).
    pub fn unknown(minor: i64) -> Self {
        Self::new(minor, Currency::UNKNOWN)
    }

    /// The amount as a decimal string without symbol, e.g. `1250.00`.
    pub fn decimal(&self) -> String {
        let exp = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(exp);
        format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = exp as usize)
    }
}

impl fmt::Display for Money {
    /// Human form with thousands separators, e.g. `€1,250.00` or `1,250.00 CHF`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decimal = self.decimal();
        let (sign, rest) = decimal.strip_prefix('-').map_or(("", decimal.as_str()), |r| ("-", r));
        let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let number = frac.map_or(grouped.clone(), |f| format!("{grouped}.{f}"));
        match self.currency.symbol() {
            Some(symbol) => write!(f, "{sign}{symbol}{number}"),
            None => write!(f, "{sign}{number} {}", self.currency.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap())
    }

    #[test]
    fn currency_codes_must_be_three_upper_case_letters() {
        assert!(Currency::parse("EUR").is_ok());
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("").is_err());
    }

    #[test]
    fn amounts_print_with_grouping_and_minor_digits() {
        assert_eq!(eur(125_000).to_string(), "€1,250.00");
        assert_eq!(eur(5).to_string(), "€0.05");
        assert_eq!(eur(-123_456_789).to_string(), "-€1,234,567.89");
        let chf = Money::from_parts(99_900, "CHF").unwrap();
        assert_eq!(chf.to_string(), "999.00 CHF");
    }

    #[test]
    fn zero_decimal_currencies_have_no_fraction() {
        assert_eq!(Money::from_parts(1500, "JPY").unwrap().decimal(), "1500");
    }

    #[test]
    fn major_amounts_use_the_currency_s_own_exponent() {
        let parse = |text: &str, code: &str| Money::parse_major(text, Currency::parse(code).unwrap()).map(|m| m.minor);
        assert_eq!(parse("1500", "EUR"), Some(150_000));
        assert_eq!(parse("12.5", "EUR"), Some(1_250));
        assert_eq!(parse("1500", "JPY"), Some(1_500));
        assert_eq!(parse("12.5", "JPY"), None, "yen have no fraction");
        assert_eq!(parse("1500", "KWD"), Some(1_500_000));
        assert_eq!(parse("0.125", "BHD"), Some(125));
        assert_eq!(parse("1.2345", "KWD"), None);
        for bad in ["", "-5", "+5", "1e3", "1.", ".5", "1 000", "12,5", "99999999999999999999"] {
            assert_eq!(parse(bad, "EUR"), None, "{bad}");
        }
    }

    #[test]
    fn decimal_form_is_exact_for_large_amounts() {
        assert_eq!(eur(i64::MAX).decimal(), "92233720368547758.07");
    }
}
