//! Who the client is, for the login limits: the TCP peer, unless the peer is
//! one of `MARKETPLACE_TRUSTED_PROXIES` (a load balancer, a reverse proxy);
//! then the nearest address in `X-Forwarded-For` that is not itself a
//! trusted proxy. A client can write anything in that header, so it is read
//! from the right, and only as far as our own proxies vouch for it.

use std::net::IpAddr;
use std::str::FromStr;

/// Addresses and networks (`10.0.0.0/8`, `2001:db8::/32`, `127.0.0.1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma- or space-separated list; empty trusts nobody.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let mut nets = Vec::new();
        for item in raw.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, bits) = item.split_once('/').map_or((item, None), |(a, b)| (a, Some(b)));
            let addr: IpAddr = addr.parse().map_err(|_| format!("`{item}` is not an address or a network"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or(format!("`{item}` has a bad prefix"))?,
            };
            nets.push((addr, bits));
        }
        Ok(Self(nets))
    }
}

impl TrustedProxies {
    /// Whether `ip` is one of ours.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, bits)| in_network(ip, canonical(*net), *bits))
    }

    /// The client behind `peer`, given the request's `X-Forwarded-For`
    /// values (in the order they came).
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).map(str::trim).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { return client };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

/// IPv4-mapped IPv6 addresses as the IPv4 they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_peer_is_the_client_unless_it_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("10.0.0.5"), ["1.2.3.4"].into_iter()), ip("10.0.0.5"), "the header is ignored");
        let lb: TrustedProxies = "10.0.0.0/8, 192.168.1.1".parse().unwrap();
        assert_eq!(lb.client(ip("10.0.0.5"), ["1.2.3.4"].into_iter()), ip("1.2.3.4"));
        assert_eq!(lb.client(ip("8.8.8.8"), ["1.2.3.4"].into_iter()), ip("8.8.8.8"), "a stranger's header");
    }

    #[test]
    fn what_the_client_wrote_in_the_header_is_not_believed() {
        let lb: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        // The client sent `X-Forwarded-For: 6.6.6.6`; our proxy appended the real address.
        assert_eq!(lb.client(ip("10.1.1.1"), ["6.6.6.6, 5.5.5.5"].into_iter()), ip("5.5.5.5"));
        // Two of our proxies in a row, over two header lines.
        assert_eq!(lb.client(ip("10.1.1.1"), ["6.6.6.6, 5.5.5.5", "10.2.2.2"].into_iter()), ip("5.5.5.5"));
        // Garbage stops the walk at the last address our proxies vouched for.
        assert_eq!(lb.client(ip("10.1.1.1"), ["5.5.5.5, junk"].into_iter()), ip("10.1.1.1"));
        assert_eq!(lb.client(ip("::ffff:10.1.1.1"), ["5.5.5.5"].into_iter()), ip("5.5.5.5"), "IPv4 in IPv6");
    }

    #[test]
    fn networks_are_parsed_strictly() {
        let v6: TrustedProxies = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8::1")) && !v6.contains(ip("2001:db9::1")));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("proxy.internal".parse::<TrustedProxies>().is_err());
        assert_eq!("".parse::<TrustedProxies>().unwrap(), TrustedProxies::default());
        let all: TrustedProxies = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
    }
}
